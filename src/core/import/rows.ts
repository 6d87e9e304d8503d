import {
  detectLegalForm,
  normalizeEmail,
  normalizeOrgName,
  normalizePhoneNumber,
} from '../identity/normalize.ts';
import { validateInn, validateKpp, validateOgrn, validateOgrnip } from '../identity/ru-identifiers.ts';
import type { ImportField, Mapping } from './presets.ts';

/*
 * A row of an export → the client record create-client takes (legal entities, brands, contacts
 * with phones and e-mails, addresses), with what was wrong in it. Pure.
 */

export type ImportIssueReason =
  | 'MISSING_NAME'
  | 'INVALID_INN'
  | 'INVALID_KPP'
  | 'INVALID_OGRN'
  | 'INVALID_PHONE'
  | 'INVALID_EMAIL'
  | 'UNKNOWN_OWNER'
  | 'AMBIGUOUS_OWNER'
  | 'OWNER_CANNOT_OWN'
  | 'OVER_CAP';

/**
 * One problem of one row. `error`: the row is not imported (no name). `warning`: the row is
 * imported without the bad value (an ИНН with a wrong checksum, an unparseable phone) or to the
 * pool instead of to an unknown owner.
 */
export type ImportIssue = {
  row: number;
  column: string;
  reason: ImportIssueReason;
  value: string;
  severity: 'error' | 'warning';
};

export type ImportLegalEntity = {
  name: string;
  legalForm: string | null;
  inn: string | null;
  kpp: string | null;
  ogrn: string | null;
};
export type ImportContact = { name: string; position: string | null; phones: string[]; emails: string[] };
export type ImportAddress = { kind: 'hq' | 'other'; address: string; city: string | null };

export type ImportRecord = {
  /** The spreadsheet row number (the header is row 1). */
  row: number;
  /** amoCRM «контакт» rows: a person of the company named in `displayName`. */
  kind: 'company' | 'contact';
  displayName: string;
  notes: string | null;
  legalEntities: ImportLegalEntity[];
  brands: { name: string }[];
  contacts: ImportContact[];
  addresses: ImportAddress[];
  /** The owner as written (an e-mail or a name) and its column; resolved against the users later. */
  owner: { value: string; column: string } | null;
};

/** What a contact without a name is called: it carries the company's own phones and e-mails. */
export const UNNAMED_CONTACT = '—';

type Cell = { value: string; column: string };

function cells(raw: Record<string, string>, mapping: Mapping, field: ImportField): Cell[] {
  const out: Cell[] = [];
  for (const column of mapping[field] ?? []) {
    const value = (raw[column] ?? '').trim();
    if (value) out.push({ value, column });
  }
  return out;
}

const first = (cs: Cell[]): Cell | null => cs[0] ?? null;

/** Several values in one cell: «+7 495 …, 8 916 …» or one per line. */
function split(value: string, emails: boolean): string[] {
  const parts = value.split(emails ? /[,;\s]+/ : /[,;\n]+/);
  return parts.map((p) => p.trim()).filter(Boolean);
}

function isContactType(v: string | undefined): boolean {
  const k = (v ?? '').trim().toLowerCase();
  return k === 'контакт' || k === 'contact' || k === 'физ. лицо' || k === 'физлицо';
}

/** One row → a record and its issues; `record` is null when the row cannot be imported. */
export function rowToRecord(
  rowNumber: number,
  raw: Record<string, string>,
  mapping: Mapping,
): { record: ImportRecord | null; issues: ImportIssue[] } {
  const issues: ImportIssue[] = [];
  const issue = (c: Cell, reason: ImportIssueReason, severity: ImportIssue['severity'] = 'warning') =>
    issues.push({ row: rowNumber, column: c.column, reason, value: c.value, severity });
  const typeCell = first(cells(raw, mapping, 'rowType'));
  const isContactRow = isContactType(typeCell?.value);
  const nameCell = first(cells(raw, mapping, 'name'));
  const companyCell = first(cells(raw, mapping, 'company'));
  const legalCell = first(cells(raw, mapping, 'legalName'));
  const brandCell = first(cells(raw, mapping, 'brand'));

  let contactName = first(cells(raw, mapping, 'contactName'))?.value ?? null;
  let displayName: string | null;
  if (isContactRow) {
    // amoCRM: «Наименование» is the person; the client is «Компания».
    contactName = nameCell?.value ?? contactName;
    displayName = companyCell?.value ?? null;
  } else {
    displayName = nameCell?.value ?? companyCell?.value ?? legalCell?.value ?? brandCell?.value ?? null;
  }
  if (!displayName || normalizeOrgName(displayName) === '') {
    const col = (isContactRow ? mapping.company?.[0] : mapping.name?.[0]) ?? mapping.name?.[0] ?? 'name';
    issues.push({
      row: rowNumber,
      column: col,
      reason: 'MISSING_NAME',
      value: displayName ?? '',
      severity: 'error',
    });
    return { record: null, issues };
  }

  const innCell = first(cells(raw, mapping, 'inn'));
  let inn: string | null = null;
  if (innCell) {
    const v = validateInn(innCell.value);
    if (v.ok) inn = v.value;
    else issue(innCell, 'INVALID_INN');
  }
  const kppCell = first(cells(raw, mapping, 'kpp'));
  let kpp: string | null = null;
  if (kppCell) {
    const v = validateKpp(kppCell.value);
    if (v.ok) kpp = v.value;
    else issue(kppCell, 'INVALID_KPP');
  }
  const ogrnCell = first(cells(raw, mapping, 'ogrn'));
  let ogrn: string | null = null;
  if (ogrnCell) {
    const digits = ogrnCell.value.replace(/\D/g, '');
    const v = digits.length === 15 ? validateOgrnip(ogrnCell.value) : validateOgrn(ogrnCell.value);
    if (v.ok) ogrn = v.value;
    else issue(ogrnCell, 'INVALID_OGRN');
  }

  const legalEntities: ImportLegalEntity[] = [];
  const brands: { name: string }[] = [];
  const dnForm = detectLegalForm(displayName);
  if (legalCell) {
    legalEntities.push({
      name: legalCell.value,
      legalForm: detectLegalForm(legalCell.value),
      inn,
      kpp,
      ogrn,
    });
    // «Ромашка» beside «ООО "Ромашка-Трейд"»: the client's own name is its brand.
    if (!dnForm && normalizeOrgName(displayName) !== normalizeOrgName(legalCell.value))
      brands.push({ name: displayName });
  } else if (inn || ogrn || dnForm) {
    legalEntities.push({ name: displayName, legalForm: dnForm, inn, kpp, ogrn });
  }
  if (brandCell && !brands.some((b) => normalizeOrgName(b.name) === normalizeOrgName(brandCell.value)))
    brands.push({ name: brandCell.value });

  const phones: string[] = [];
  for (const c of cells(raw, mapping, 'phone'))
    for (const p of split(c.value, false)) {
      const r = normalizePhoneNumber(p);
      if (r.ok) phones.push(p);
      else if (r.error === 'INVALID_PHONE') issue({ column: c.column, value: p }, 'INVALID_PHONE');
    }
  const emails: string[] = [];
  for (const c of cells(raw, mapping, 'email'))
    for (const m of split(c.value, true)) {
      if (normalizeEmail(m).ok) emails.push(m);
      else issue({ column: c.column, value: m }, 'INVALID_EMAIL');
    }
  const position = first(cells(raw, mapping, 'position'))?.value ?? null;
  const contacts: ImportContact[] = [];
  if (contactName || phones.length || emails.length)
    contacts.push({
      name: contactName ?? UNNAMED_CONTACT,
      position: contactName ? position : null,
      phones,
      emails,
    });

  const city = first(cells(raw, mapping, 'city'))?.value ?? null;
  const addresses: ImportAddress[] = [];
  const addr = first(cells(raw, mapping, 'address'));
  if (addr) addresses.push({ kind: 'hq', address: addr.value, city });
  const legalAddr = first(cells(raw, mapping, 'legalAddress'));
  if (legalAddr && legalAddr.value !== addr?.value)
    addresses.push({ kind: 'other', address: legalAddr.value, city: addr ? null : city });

  const notes = [
    ...cells(raw, mapping, 'notes').map((c) => c.value),
    ...cells(raw, mapping, 'website').map((c) => `Сайт: ${c.value}`),
  ];
  const ownerCell = first(cells(raw, mapping, 'owner'));
  return {
    record: {
      row: rowNumber,
      kind: isContactRow ? 'contact' : 'company',
      displayName,
      notes: notes.length ? notes.join('\n') : null,
      legalEntities,
      brands,
      contacts,
      addresses,
      owner: ownerCell ? { value: ownerCell.value, column: ownerCell.column } : null,
    },
    issues,
  };
}

/** Fold `extra` (a row found to be the same client) into `into`: parts not already there are added. */
export function mergeRecords(into: ImportRecord, extra: ImportRecord): void {
  const key = (xs: unknown[]) => new Set(xs.map((x) => JSON.stringify(x)));
  // A legal entity is already there when its ИНН is, or (without an ИНН) when its name is.
  const inns = new Set(into.legalEntities.map((e) => e.inn).filter(Boolean));
  const leNames = new Set(into.legalEntities.map((e) => normalizeOrgName(e.name)));
  for (const e of extra.legalEntities) {
    if (e.inn ? inns.has(e.inn) : leNames.has(normalizeOrgName(e.name))) continue;
    into.legalEntities.push(e);
    if (e.inn) inns.add(e.inn);
    leNames.add(normalizeOrgName(e.name));
  }
  const br = key(into.brands.map((b) => normalizeOrgName(b.name)));
  for (const b of extra.brands)
    if (
      !br.has(JSON.stringify(normalizeOrgName(b.name))) &&
      normalizeOrgName(b.name) !== normalizeOrgName(into.displayName)
    )
      into.brands.push(b);
  const ct = key(into.contacts.map((c) => [c.name, c.phones, c.emails]));
  for (const c of extra.contacts)
    if (!ct.has(JSON.stringify([c.name, c.phones, c.emails]))) into.contacts.push(c);
  const ad = key(into.addresses.map((a) => a.address.toLowerCase()));
  for (const a of extra.addresses)
    if (!ad.has(JSON.stringify(a.address.toLowerCase()))) into.addresses.push(a);
  if (extra.notes && extra.notes !== into.notes)
    into.notes = into.notes ? `${into.notes}\n${extra.notes}` : extra.notes;
  if (!into.owner && extra.owner) into.owner = extra.owner;
}
