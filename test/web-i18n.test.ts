import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The web UI's strings live in resource files per language (ru.json + ru.activity.json, merged at the
// top level in web/src/i18n/index.ts); a key missing from one shows its raw name on screen.
const dir = 'web/src';
const load = (f: string) => JSON.parse(readFileSync(join(dir, 'i18n', f), 'utf8'));
const parts = {
  ru: [load('ru.json'), load('ru.activity.json'), load('ru.disputes.json'), load('ru.import.json')],
  en: [load('en.json'), load('en.activity.json'), load('en.disputes.json'), load('en.import.json')],
};
const ru = Object.assign({}, ...parts.ru);
const en = Object.assign({}, ...parts.en);

function keys(o: unknown, prefix = ''): string[] {
  if (!o || typeof o !== 'object') return [prefix];
  return Object.entries(o).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}
function sources(p: string): string[] {
  return statSync(p).isDirectory()
    ? readdirSync(p).flatMap((n) => sources(join(p, n)))
    : /\.tsx?$/.test(p)
      ? [p]
      : [];
}

describe('web UI strings', () => {
  it('the merged files do not overwrite each other (disjoint top-level sections)', () => {
    for (const files of [parts.ru, parts.en]) {
      const seen = files.flatMap((f) => Object.keys(f));
      expect(seen.filter((k, i) => seen.indexOf(k) !== i)).toEqual([]);
    }
  });

  it('Russian and English have the same keys', () => {
    expect(keys(en).sort()).toEqual(keys(ru).sort());
  });

  it('every literal key the screens use exists (ru)', () => {
    const all = new Set(keys(ru));
    const used = new Set<string>();
    for (const f of sources(dir)) {
      for (const m of readFileSync(f, 'utf8').matchAll(/\bt\(\s*'([a-zA-Z]+\.[a-zA-Z0-9_.]+)'/g))
        used.add(m[1]!);
    }
    expect(used.size).toBeGreaterThan(100);
    expect([...used].filter((k) => !all.has(k))).toEqual([]);
  });

  it('every rejection code of the API has a translated message', async () => {
    const { rejectionTable } = await import('../src/contract/rejections.ts');
    const missing = Object.values(rejectionTable)
      .map((e) => e.messageKey)
      .filter((k) => !keys(ru).includes(k) || !keys(en).includes(k));
    expect(missing).toEqual([]);
  });
});
