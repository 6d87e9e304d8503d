import { describe, expect, it } from 'vitest';
import { createRng } from '../demo/prng.ts';
import { normalizeAddress, normalizeOrgName } from './normalize.ts';
import { validateInn } from './ru-identifiers.ts';
import {
  DEFAULT_IDENTITY_MIX,
  formatPhone,
  generateIdentityDataset,
  type SyntheticRecord,
  syntheticIdentifiers,
  typo,
} from './synthetic.ts';

const ds = generateIdentityDataset({ seed: 7, entities: 2000 });
const records = ds.records;
const ids = new Map(records.map((r) => [r.row, syntheticIdentifiers(r)]));

function byTruth(rs: readonly SyntheticRecord[]): Map<number, SyntheticRecord[]> {
  const out = new Map<number, SyntheticRecord[]>();
  for (const r of rs) out.set(r.truth, [...(out.get(r.truth) ?? []), r]);
  return out;
}

describe('generateIdentityDataset', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const a = generateIdentityDataset({ seed: 7, entities: 200 });
    const b = generateIdentityDataset({ seed: 7, entities: 200 });
    const c = generateIdentityDataset({ seed: 8, entities: 200 });
    expect(b).toEqual(a);
    expect(c.records).not.toEqual(a.records);
  });

  it('numbers rows 0…n−1 and gives every entity id from 0 to entities−1 at least one record', () => {
    expect(records.map((r) => r.row)).toEqual(records.map((_, i) => i));
    expect(new Set(records.map((r) => r.truth)).size).toBe(2000);
    expect(Math.max(...records.map((r) => r.truth))).toBe(1999);
    expect(records.length / 2000).toBeGreaterThan(1.7);
    expect(records.length / 2000).toBeLessThan(2.6);
  });

  it('generates every kind in about its share, and respects a custom mix', () => {
    const total = Object.values(ds.entitiesByKind).reduce((s, n) => s + n, 0);
    expect(total).toBe(2000);
    for (const [kind, share] of Object.entries(DEFAULT_IDENTITY_MIX)) {
      expect(ds.entitiesByKind[kind as keyof typeof DEFAULT_IDENTITY_MIX] / total).toBeCloseTo(share, 1);
    }
    const onlyChains = generateIdentityDataset({
      seed: 1,
      entities: 30,
      mix: { company: 0, namesake: 0, soleTrader: 0, bcTenant: 0 },
    });
    expect(onlyChains.entitiesByKind.chain).toBe(30);
  });

  it('never shares an ИНН, ОГРН, phone, e-mail or domain between entities', () => {
    const owner = new Map<string, number>();
    for (const r of records) {
      for (const id of ids.get(r.row) ?? []) {
        if (!['inn', 'ogrn', 'phone', 'email', 'domain'].includes(id.kind)) continue;
        const key = `${id.kind}:${id.value}`;
        const first = owner.get(key);
        if (first === undefined) owner.set(key, r.truth);
        else expect(first, key).toBe(r.truth);
      }
    }
  });

  it('gives an entity at most one valid ИНН, and writes some ИНН with a typo (invalid)', () => {
    let broken = 0;
    for (const rs of byTruth(records).values()) {
      const valid = new Set(rs.flatMap((r) => r.legalEntities.map((l) => l.inn).filter((v) => v !== null)));
      const ok = [...valid].filter((v) => validateInn(v).ok);
      broken += valid.size - ok.length;
      expect(ok.length).toBeLessThanOrEqual(1);
    }
    expect(broken).toBeGreaterThan(0);
  });

  it('contains the hard cases: namesakes with different ИНН, ИП of one surname, shared business-centre addresses', () => {
    const innsByName = new Map<string, Set<string>>();
    for (const r of records) {
      for (const id of ids.get(r.row) ?? []) {
        if (id.kind !== 'inn') continue;
        const name = normalizeOrgName(r.displayName);
        innsByName.set(name, (innsByName.get(name) ?? new Set()).add(id.value));
      }
    }
    expect(innsByName.get('уют')?.size ?? 0).toBeGreaterThan(2);

    const ipSurnames = new Map<string, Set<number>>();
    for (const r of records) {
      if (r.kind !== 'soleTrader') continue;
      const m = /^(?:ИП |Индивидуальный предприниматель )?([А-ЯЁ][а-яё]+)/.exec(
        r.legalEntities[0]?.name ?? '',
      );
      if (m) ipSurnames.set(m[1] as string, (ipSurnames.get(m[1] as string) ?? new Set()).add(r.truth));
    }
    expect(Math.max(...[...ipSurnames.values()].map((s) => s.size))).toBeGreaterThan(3);

    const tenantsByBuilding = new Map<string, Set<number>>();
    for (const r of records) {
      if (r.kind !== 'bcTenant') continue;
      for (const a of r.addresses) {
        const building = normalizeAddress(a.address).replace(/ оф .*$/, '');
        tenantsByBuilding.set(building, (tenantsByBuilding.get(building) ?? new Set()).add(r.truth));
      }
    }
    expect(Math.max(...[...tenantsByBuilding.values()].map((s) => s.size))).toBeGreaterThan(5);
  });

  it('makes chains with one legal entity and several brands', () => {
    const chains = [...byTruth(records).values()].filter((rs) => rs[0]?.kind === 'chain');
    expect(chains.length).toBeGreaterThan(50);
    const names = chains.map((rs) => new Set(rs.map((r) => normalizeOrgName(r.displayName))).size);
    expect(names.filter((n) => n >= 3).length).toBeGreaterThan(chains.length / 3);
  });

  it('writes partial records: only a name, only a phone', () => {
    const onlyName = records.filter((r) => r.shape === 'onlyName');
    const onlyPhone = records.filter((r) => r.shape === 'onlyPhone');
    expect(onlyName.length).toBeGreaterThan(20);
    expect(onlyPhone.length).toBeGreaterThan(20);
    for (const r of onlyName) {
      expect(r.legalEntities.length + r.contacts.length + r.addresses.length + r.brands.length).toBe(0);
    }
    for (const r of onlyPhone) expect(ids.get(r.row)?.filter((i) => i.kind === 'phone').length).toBe(1);
  });

  it('ties each later record to an earlier one of its entity by the evidence it names', () => {
    // The first record of an entity has no link (a single only-name namesake neither).
    for (const rs of byTruth(records).values()) expect(rs.filter((r) => r.link === null).length).toBe(1);
    const phoneLinked = records.filter((r) => r.link === 'phone' || r.link === 'onlyPhone');
    for (const r of phoneLinked.slice(0, 200)) {
      const mine = new Set(
        ids
          .get(r.row)
          ?.filter((i) => i.kind === 'phone')
          .map((i) => i.value),
      );
      const others = records.filter((o) => o.truth === r.truth && o.row !== r.row);
      const shared = others.some((o) => ids.get(o.row)?.some((i) => i.kind === 'phone' && mine.has(i.value)));
      expect(shared).toBe(true);
    }
  });
});

describe('typo and formatPhone', () => {
  it('changes a word by a swap, a drop or a doubled letter', () => {
    const rng = createRng(3);
    for (let i = 0; i < 200; i++) {
      const t = typo(rng, 'Электроцентр');
      expect(t).not.toBe('');
      expect(Math.abs(t.length - 'Электроцентр'.length)).toBeLessThanOrEqual(1);
      expect(t[0]).toBe('Э');
    }
    expect(typo(rng, 'Юн')).toBe('Юн');
  });

  it('writes one number in many ways that all normalise to it', () => {
    const rng = createRng(4);
    const seenFormats = new Set<string>();
    for (let i = 0; i < 100; i++) {
      const s = formatPhone(rng, '8462123456');
      seenFormats.add(s.replace(/\d/g, '9'));
      expect(s.replace(/\D/g, '').slice(-10)).toBe('8462123456');
    }
    expect(seenFormats.size).toBeGreaterThan(6);
  });
});
