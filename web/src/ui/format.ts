// Dates and money are always shown the Russian way (the company works in Russia), in either language.
const dateFmt = new Intl.DateTimeFormat('ru-RU', { day: '2-digit', month: '2-digit', year: 'numeric' });
const dateTimeFmt = new Intl.DateTimeFormat('ru-RU', {
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});
const moneyFmt = new Intl.NumberFormat('ru-RU', {
  style: 'currency',
  currency: 'RUB',
  maximumFractionDigits: 0,
});
const numberFmt = new Intl.NumberFormat('ru-RU');

export const DASH = '—';

export function fmtDate(iso: string | null | undefined): string {
  return iso ? dateFmt.format(new Date(iso)) : DASH;
}
export function fmtDateTime(iso: string | null | undefined): string {
  return iso ? dateTimeFmt.format(new Date(iso)) : DASH;
}
/** Money is stored in kopecks. */
export function fmtMoney(kopecks: number | null | undefined): string {
  return kopecks === null || kopecks === undefined ? DASH : moneyFmt.format(kopecks / 100);
}
export function fmtNumber(n: number): string {
  return numberFmt.format(n);
}
export function isFuture(iso: string | null | undefined, now = Date.now()): boolean {
  return !!iso && new Date(iso).getTime() > now;
}
