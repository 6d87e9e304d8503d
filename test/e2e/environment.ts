import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
// @ts-expect-error: a plain .mjs helper without types
import { buildWeb } from '../../bin/build-web.mjs';
import { startServerProcess } from '../support/processes.ts';
import { launchChromium } from './browser.ts';
import { ADMIN, PASSWORD } from './seed.ts';

/** Where the journeys leave their screenshots (Russian UI unless a test switches it). */
export const SHOTS = 'docs/screenshots';

export type Server = Awaited<ReturnType<typeof startServerProcess>>;

/** What the set-up steps of one e2e file get: the data folder, the server's env, the running server. */
export interface SetupContext {
  /** The fresh temporary data folder of this file's server. */
  dataDir: string;
  /** FAIRBASE_DATA_DIR, the bootstrap admin and the file's extra env (DATABASE_URL is added at start). */
  env: Record<string, string>;
  /** The running server (only in `seed`, not in `beforeStart`). */
  server: Server;
  /** Stop the server, run `work` on its data folder (it belongs to one process at a time), start it again. */
  offline(work: () => Promise<void>): Promise<void>;
  /** The file's timing lines (printed after the run when `timings` names a title). */
  timings: string[];
}

export interface E2eOptions {
  /** Fill the running server (through its API, or `offline` on the data folder). */
  seed?: (ctx: SetupContext) => Promise<void>;
  /** Work on the empty data folder before the server first starts (e.g. `fairbase demo`). */
  beforeStart?: (ctx: Omit<SetupContext, 'server' | 'offline'>) => Promise<void>;
  /** The browser locale of every page unless newPage says otherwise; ru-RU by default. */
  locale?: string;
  /** Extra env for the server (and for `beforeStart`'s CLI runs). */
  env?: Record<string, string>;
  /** Each page's default timeout for actions and waits; 20 s by default. */
  pageTimeout?: number;
  /** The beforeAll hook's timeout (web build, server start, seeding); 900 s by default. */
  setupTimeout?: number;
  /** Print the timing lines after the run under this title. */
  timings?: string;
}

export interface PageOptions {
  locale?: string;
  timeout?: number;
  acceptDownloads?: boolean;
}

export interface E2eEnvironment {
  readonly server: Server;
  readonly browser: Browser;
  readonly dataDir: string;
  readonly timings: string[];
  /** A page in a fresh browser context (1400×900), closed after the file. */
  newPage(opts?: PageOptions): Promise<Page>;
  /** Sign in through the form on the server's start page and wait until the form is gone. */
  signIn(page: Page, email: string, password?: string): Promise<void>;
  /** A full-page screenshot to docs/screenshots/<name>.png. */
  shot(page: Page, name: string): Promise<Buffer>;
}

/**
 * One e2e file's world: builds the web UI, starts the real server in a child process on a fresh data
 * folder (the bootstrap admin from seed.ts, PGlite), seeds it, launches Chromium; registers the
 * beforeAll/afterAll that do so and clean up (contexts, browser, server, data folder).
 */
export function e2eEnvironment(name: string, opts: E2eOptions = {}): E2eEnvironment {
  let server: Server | undefined;
  let browser: Browser | undefined;
  let dataDir: string | undefined;
  const contexts: BrowserContext[] = [];
  const timings: string[] = [];

  beforeAll(async () => {
    const t0 = Date.now();
    await buildWeb({ quiet: true });
    timings.push(`web build check: ${Date.now() - t0} ms`);
    const dir = mkdtempSync(join(tmpdir(), `fairbase-e2e-${name}-`));
    dataDir = dir;
    const env = {
      FAIRBASE_DATA_DIR: dir,
      FAIRBASE_ADMIN_EMAIL: ADMIN.email,
      FAIRBASE_ADMIN_PASSWORD: ADMIN.password,
      ...opts.env,
    };
    const start = () => startServerProcess({ ...env, DATABASE_URL: '' });
    await opts.beforeStart?.({ dataDir: dir, env, timings });
    server = await start();
    await opts.seed?.({
      dataDir: dir,
      env,
      server,
      timings,
      offline: async (work) => {
        await server?.stop();
        server = undefined;
        await work();
        server = await start();
      },
    });
    browser = await launchChromium();
    mkdirSync(SHOTS, { recursive: true });
  }, opts.setupTimeout ?? 900_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await server?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    if (opts.timings) console.log(`\n${opts.timings}:\n  ${timings.join('\n  ')}`);
  });

  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`e2e ${name}: no ${what} (beforeAll has not finished)`);
    return value;
  };

  const environment: E2eEnvironment = {
    get server() {
      return ready(server, 'server');
    },
    get browser() {
      return ready(browser, 'browser');
    },
    get dataDir() {
      return ready(dataDir, 'data folder');
    },
    timings,
    async newPage(page = {}) {
      const context = await environment.browser.newContext({
        viewport: { width: 1400, height: 900 },
        locale: page.locale ?? opts.locale ?? 'ru-RU',
        acceptDownloads: page.acceptDownloads ?? true,
      });
      contexts.push(context);
      const p = await context.newPage();
      p.setDefaultTimeout(page.timeout ?? opts.pageTimeout ?? 20_000);
      return p;
    },
    async signIn(page, email, password = PASSWORD) {
      await page.goto(environment.server.url);
      await page.getByLabel('Электронная почта').fill(email);
      await page.getByLabel('Пароль').fill(password);
      await page.getByRole('button', { name: 'Войти' }).click();
      await page.getByRole('button', { name: 'Войти' }).waitFor({ state: 'detached' });
    },
    shot: (page, shotName) => page.screenshot({ path: `${SHOTS}/${shotName}.png`, fullPage: true }),
  };
  return environment;
}
