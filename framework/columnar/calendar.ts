/**
 * The proleptic Gregorian calendar in UTC, as dates are stored (days since 1970-01-01), without
 * JavaScript's Date (which rolls 2026-11-31 over to December and cannot write years past 9999).
 * Shared by the readers, the functions and the SQL renderers.
 */

/** Days since 1970-01-01 (Howard Hinnant's algorithm). */
export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function civilFromDays(z: number): [year: number, month: number, day: number] {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function daysInMonth(y: number, m: number): number {
  return m === 2 ? (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28) : MONTH_DAYS[m - 1];
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

/** Days since the epoch as `yyyy-MM-dd` (Spark's text of a date). */
export function formatDate(days: number): string {
  const [y, m, d] = civilFromDays(days);
  return `${y < 0 ? '-' : ''}${String(Math.abs(y)).padStart(4, '0')}-${pad2(m)}-${pad2(d)}`;
}
