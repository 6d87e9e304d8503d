#!/usr/bin/env node
// Builds the web UI (web/ → web/dist) when it is missing or older than its sources; `npm start`
// runs it first (prestart), so `npm ci && npm start` serves the UI on a fresh clone.
// Staleness is a content hash of the inputs, kept in web/dist/.source-hash (mtimes lie after a clone).
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const web = join(root, 'web');
const dist = join(web, 'dist');
const stamp = join(dist, '.source-hash');

// The web app's sources, and the pure core modules it bundles.
const inputs = [
  join(web, 'src'),
  join(web, 'index.html'),
  join(web, 'vite.config.ts'),
  join(root, 'src/core/policy'),
  join(root, 'src/core/identity/ru-identifiers.ts'),
  join(root, 'package-lock.json'),
];

function files(p) {
  if (!existsSync(p)) return [];
  if (!statSync(p).isDirectory()) return [p];
  return readdirSync(p)
    .sort()
    .flatMap((n) => files(join(p, n)));
}

export function sourceHash() {
  const h = createHash('sha256');
  for (const f of inputs.flatMap(files)) {
    if (f.endsWith('.test.ts')) continue;
    h.update(relative(root, f));
    h.update('\0');
    h.update(readFileSync(f));
    h.update('\0');
  }
  return h.digest('hex');
}

export async function buildWeb({ force = false, quiet = false } = {}) {
  const hash = sourceHash();
  const fresh =
    existsSync(join(dist, 'index.html')) && existsSync(stamp) && readFileSync(stamp, 'utf8') === hash;
  if (fresh && !force) return { built: false };
  let vite;
  try {
    vite = await import('vite');
  } catch {
    console.warn('web UI: vite is not installed (npm ci without dev dependencies?); serving the API only');
    return { built: false };
  }
  if (!quiet) console.log('Building the web UI (web/ → web/dist)…');
  const started = Date.now();
  // A production bundle whoever calls (vitest sets NODE_ENV=test, which libraries read at build time).
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await vite.build({
      configFile: join(web, 'vite.config.ts'),
      mode: 'production',
      logLevel: quiet ? 'warn' : 'info',
    });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  writeFileSync(stamp, hash);
  if (!quiet) console.log(`Web UI built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { built: true };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildWeb({ force: process.argv.includes('--force') });
}
