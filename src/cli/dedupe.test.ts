import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommanderError } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { createRng } from '../core/demo/prng.ts';
import { generateInn10 } from '../core/identity/ru-identifiers.ts';
import { defaultIdentityRules } from '../core/policy/policy.ts';
import { type DedupeColumns, dedupeCsv, detectSeparator, parseColumnsOption } from './dedupe.ts';
import { bufferIo } from './output.ts';

const dir = mkdtempSync(join(tmpdir(), 'fairbase-dedupe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function file(content: string): string {
  const path = join(dir, `in-${++n}.csv`);
  writeFileSync(path, content, 'utf8');
  return path;
}

const rng = createRng(77);
const INN_UNIX = generateInn10(rng, '6315');
const INN_OTHER = generateInn10(rng, '6316');

const columns = (s: string): DedupeColumns => parseColumnsOption(s);
const ALL = 'name=Название,address=Адрес,city=Город,phone=Телефон,inn=ИНН,email=Почта';

/** `row,cluster,score` output → rows grouped by cluster. */
function groupsOf(csv: string): number[][] {
  const [head, ...lines] = csv.trim().split('\n');
  expect(head).toBe('row,cluster,score');
  const by = new Map<number, number[]>();
  for (const line of lines) {
    const [row, cluster] = line.split(',').map(Number) as [number, number];
    by.set(cluster, [...(by.get(cluster) ?? []), row]);
  }
  return [...by.values()];
}

describe('dedupeCsv', () => {
  it('clusters a comma-separated file and writes row,cluster,score to stdout', async () => {
    const path = file(
      [
        'Название,Адрес,Город,Телефон,ИНН,Почта',
        `"ООО ""Юникс""",,,,${INN_UNIX},`,
        `Электроцентр,"ул. Победы, д. 10",Самара,+7 (846) 212-34-56,,`,
        `"Юникс, ООО",,,8 846 212-34-56,${INN_UNIX},`,
        `ТехноМир,,,,,Marketing@Unix.ru`,
        `ООО «Юникс»,,,,${INN_UNIX},marketing@unix.ru`,
        `ООО «Уют»,"ул. Ленинградская, 10",Самара,,${INN_OTHER},`,
        'Сигма,,,,,',
      ].join('\n'),
    );
    const io = bufferIo();
    const code = await dedupeCsv({ file: path, columns: columns(ALL), rules: defaultIdentityRules }, io);
    expect(code).toBe(0);
    const out = io.stdout.join('\n');
    // Юникс by ИНН; Электроцентр by the phone; ТехноМир by the marketer's e-mail.
    expect(groupsOf(out)).toEqual([[0, 1, 2, 3, 4], [5], [6]]);
    expect(out.split('\n').slice(1)).toEqual([
      '0,0,0.999',
      '1,0,0.93',
      '2,0,0.999',
      '3,0,0.986', // the e-mail and its company domain
      '4,0,0.999',
      '5,5,0',
      '6,6,0',
    ]);
    expect(io.stderr.join('\n')).toMatch(/7 rows, 1 clusters with 2 or more rows \(5 rows in them\)/);
  });

  it('reads a semicolon file with a BOM, quoted separators and line breaks, and writes to --out', async () => {
    const path = file(
      '\uFEFFКомпания;Тел.;Комментарий\n' +
        '"ИП Иванов И.И.";"+7 927 111-22-33; 8 (846) 200-00-01";"звонил; просил\nперезвонить"\n' +
        '"Иванов Иван Иванович, ИП";89271112233;\n' +
        '"Стиль";;\n',
    );
    const out = join(dir, 'out.csv');
    const io = bufferIo();
    const code = await dedupeCsv(
      { file: path, columns: columns('name=Компания,phone=Тел.'), out, rules: defaultIdentityRules },
      io,
    );
    expect(code).toBe(0);
    expect(io.stdout).toEqual([]);
    expect(groupsOf(readFileSync(out, 'utf8'))).toEqual([[0, 1], [2]]);
    expect(io.stderr.join('\n')).toContain(`written to ${out}`);
  });

  it('matches headers ignoring case and outer spaces', async () => {
    const path = file(' NAME , Phone \nЮникс,+7 846 212-34-56\nЭлектроцентр,88462123456\n');
    const io = bufferIo();
    const code = await dedupeCsv(
      { file: path, columns: columns('name=name,phone=phone'), rules: defaultIdentityRules },
      io,
    );
    expect(code).toBe(0);
    expect(groupsOf(io.stdout.join('\n'))).toEqual([[0, 1]]);
  });

  it('prints only the header for a file without data rows', async () => {
    const io = bufferIo();
    const code = await dedupeCsv(
      { file: file('Название\n'), columns: columns('name=Название'), rules: defaultIdentityRules },
      io,
    );
    expect(code).toBe(0);
    expect(io.stdout).toEqual(['row,cluster,score']);
  });

  it.each<[string, () => string, string, RegExp]>([
    [
      'a mapped column missing from the file',
      () => file('Название,Телефон\nA,1\n'),
      'name=Название,inn=ИНН',
      /"ИНН" \(for inn\)/,
    ],
    ['a missing file', () => join(dir, 'nope.csv'), 'name=Название', /cannot read .*nope\.csv/],
    ['an empty file', () => file(''), 'name=Название', /is empty/],
    ['an unterminated quote', () => file('Название\n"Юникс\n'), 'name=Название', /Quoted field unterminated/],
  ])('exits 2 on %s, saying what is wrong', async (_label, path, spec, message) => {
    const io = bufferIo();
    const code = await dedupeCsv({ file: path(), columns: columns(spec), rules: defaultIdentityRules }, io);
    expect(code).toBe(2);
    expect(io.stderr.join('\n')).toMatch(message);
    expect(io.stdout).toEqual([]);
  });

  it('exits 2 without a name column in the mapping', async () => {
    const io = bufferIo();
    const cols: DedupeColumns = {
      name: undefined,
      address: undefined,
      city: undefined,
      phone: 'Телефон',
      inn: undefined,
      email: undefined,
    };
    expect(
      await dedupeCsv({ file: file('Телефон\n1\n'), columns: cols, rules: defaultIdentityRules }, io),
    ).toBe(2);
    expect(io.stderr.join('\n')).toMatch(/name column is required/);
  });
});

describe('parseColumnsOption', () => {
  it('reads every key, trims, keeps = and spaces inside a column name', () => {
    expect(parseColumnsOption(' name = Название компании , phone=Тел=1,INN=ИНН ')).toEqual({
      name: 'Название компании',
      address: undefined,
      city: undefined,
      phone: 'Тел=1',
      inn: 'ИНН',
      email: undefined,
    });
  });

  it.each([
    ['', /expected name=COLUMN/],
    ['name', /"name" is not KEY=COLUMN/],
    ['name=A,title=B', /unknown key "title"/],
    ['name=', /no column given for name/],
    ['name=A,name=B', /name is given twice/],
    ['phone=Телефон', /name=COLUMN is required/],
  ])('rejects %j', (spec, message) => {
    let error: unknown;
    try {
      parseColumnsOption(spec);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CommanderError);
    expect((error as CommanderError).exitCode).toBe(2);
    expect((error as Error).message).toMatch(message);
  });
});

describe('detectSeparator', () => {
  it.each([
    ['a,b,c\n1;2', ','],
    ['a;b;c\n1,2,3,4', ';'],
    ['"a,b";c;d\n', ';'],
    ['a\tb\tc\n', '\t'],
    ['name\n', ','],
  ])('%j → %j', (text, sep) => {
    expect(detectSeparator(text)).toBe(sep);
  });
});
