/**
 * The import benchmark's file: fresh clients from the demo generator (each with a made-up word of its
 * own, so it is new to the base), 5 % rows of clients already in the base, 5 % repeats of an earlier row
 * with the phone reformatted; 70 % name a manager.
 */
import Papa from 'papaparse';
import { type DemoClient, generateDemo } from '../src/core/demo/generate-demo.ts';

const HEADERS = [
  'Название',
  'Юр. лицо',
  'ИНН',
  'Телефон',
  'Email',
  'Адрес',
  'Город',
  'Менеджер',
  'Контактное лицо',
  'Должность',
];

function rowOf(c: DemoClient, manager: string): string[] {
  const le = c.legalEntities[0];
  const k = c.contacts[0];
  const a = c.addresses[0];
  return [
    c.displayName,
    le?.name ?? '',
    le?.inn ?? '',
    k?.phones.join(', ') ?? '',
    k?.emails[0] ?? '',
    a?.address ?? '',
    a?.city ?? '',
    manager,
    k?.name ?? '',
    k?.position ?? '',
  ];
}

const SYL = ['ка', 'ро', 'ми', 'ле', 'ту', 'ва', 'ни', 'со', 'ре', 'да', 'лу', 'пе', 'зо', 'ги', 'фа', 'ше'];
const LAT = ['ka', 'ro', 'mi', 'le', 'tu', 'va', 'ni', 'so', 're', 'da', 'lu', 'pe', 'zo', 'gi', 'fa', 'she'];
/** A made-up word unique to n (the demo vocabulary is small: fresh rows would otherwise share names with the base). */
function word(n: number, s: string[]): string {
  let out = '';
  let x = n + 4096;
  while (x > 0) {
    out += s[x % 16];
    x = Math.floor(x / 16);
  }
  return out;
}
function fresh(c: DemoClient, i: number): DemoClient {
  const w = word(i, SYL);
  const cap = w[0]!.toUpperCase() + w.slice(1);
  const domain = `${word(i, LAT)}.ru`;
  const name = `${c.displayName.replace(/\s*\(.*\)$/, '').replace(/\s*№\d+$/, '')} ${cap}`;
  return {
    ...c,
    displayName: name,
    legalEntities: c.legalEntities.map((e) => ({ ...e, name: `${e.legalForm} «${name}»` })),
    contacts: c.contacts.map((k) => ({ ...k, emails: k.emails.map((m) => m.replace(/@.*/, `@${domain}`)) })),
  };
}

/** The import file: fresh clients, 5 % base clients, 5 % repeats of earlier rows with their phone reformatted. */
export function buildFile(
  ROWS: number,
  managerEmails: string[],
  baseSample: string[][],
): { csv: string; rows: string[][] } {
  const out: string[][] = [];
  const pool: DemoClient[] = [];
  for (let seed = 900_001; pool.length < ROWS; seed++)
    pool.push(...generateDemo({ clients: Math.min(10_000, ROWS - pool.length), seed }).clients);
  let b = 0;
  let f = 0;
  for (let i = 0; i < ROWS; i++) {
    const manager = i % 10 < 7 ? managerEmails[i % managerEmails.length]! : '';
    if (i % 20 === 7 && b < baseSample.length) out.push([...baseSample[b++]!.slice(0, 7), manager, '', '']);
    else if (i % 20 === 13 && out.length > 10) {
      const prev = [...out[out.length - 7]!];
      prev[3] = prev[3]!.replace(/^\+7 \((\d{3})\) /, '8 $1 ').replace(/-/g, ' ');
      out.push(prev);
    } else {
      out.push(rowOf(fresh(pool[f]!, f), manager));
      f++;
    }
  }
  return { csv: Papa.unparse({ fields: HEADERS, data: out }, { delimiter: ';' }), rows: out };
}
