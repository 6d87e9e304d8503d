import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeText, guessSeparator, ParseError, parseImportFile } from './parse.ts';

describe('parseImportFile', () => {
  it('UTF-8 with a BOM, Windows-1251, `,` `;` and tab', async () => {
    const amo = await parseImportFile(
      readFileSync('test/fixtures/import/amocrm-companies-contacts.csv'),
      'a.csv',
    );
    expect(amo).toMatchObject({ format: 'csv', encoding: 'utf-8', separator: ';' });
    expect(amo.headers[0]).toBe('Тип');
    expect(amo.rows[0]).toMatchObject({ row: 2, values: { Наименование: 'ООО «Вектор Плюс»' } });
    const bx = await parseImportFile(readFileSync('test/fixtures/import/bitrix24-companies.csv'), 'b.csv');
    expect(bx).toMatchObject({ encoding: 'windows-1251', separator: ';' });
    expect(bx.rows[0]!.values['Название компании']).toBe('Гранд Отель Самара');
    const comma = await parseImportFile(
      Buffer.from('Название,ИНН\n"ООО ""Ромашка"", филиал",7707083893\n\n'),
      'c.csv',
    );
    expect(comma.rows).toEqual([
      { row: 2, values: { Название: 'ООО "Ромашка", филиал', ИНН: '7707083893' } },
    ]);
    expect(guessSeparator('a\tb\tc\n1\t2\t3')).toBe('\t');
    expect(decodeText(new Uint8Array([0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2]))).toEqual({
      text: 'Привет',
      encoding: 'windows-1251',
    });
  });

  it('XLSX: the first sheet, hyperlinks as their text', async () => {
    const x = await parseImportFile(readFileSync('test/fixtures/import/generic-clients.xlsx'), 'g.xlsx');
    expect(x).toMatchObject({ format: 'xlsx', encoding: null });
    expect(x.headers.slice(0, 3)).toEqual(['Название', 'Юр. лицо', 'ИНН']);
    expect(x.rows[0]!.values.Email).toBe('info@client-1.ru');
    expect(x.rows).toHaveLength(27);
  });

  it('empty, binary, broken XLSX and header-less files are a ParseError', async () => {
    await expect(parseImportFile(new Uint8Array(), 'x.csv')).rejects.toThrow(ParseError);
    await expect(parseImportFile(Buffer.from('\n\n'), 'x.csv')).rejects.toThrow(/empty/);
    await expect(parseImportFile(new Uint8Array([1, 2, 0, 4, 5]), 'x.csv')).rejects.toThrow(/binary/);
    await expect(parseImportFile(Buffer.from('PK\u0003\u0004garbage'), 'x.xlsx')).rejects.toThrow(/XLSX/);
    await expect(parseImportFile(Buffer.from('just one column\nvalue\n'), 'x.csv')).rejects.toThrow(/header/);
  });
});
