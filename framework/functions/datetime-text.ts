/**
 * Calendar arithmetic and Spark's text forms of dates and timestamps, in UTC, without
 * JavaScript's Date parsing (which rolls 2026-02-30 over to March and reads local time).
 */
import { javaTrim } from './kernel-util.ts';
import { daysFromCivil, daysInMonth, formatDate } from '../columnar/calendar.ts';

const pad = (n: number, w = 2) => String(n).padStart(w, '0');


export const MICROS_PER_SECOND = 1_000_000n;
export const MICROS_PER_DAY = 86_400_000_000n;

/** Splits UTC micros into days since epoch and micros within the day. */
export function splitMicros(micros: bigint): [days: number, microsOfDay: number] {
  let days = micros / MICROS_PER_DAY;
  let rest = micros % MICROS_PER_DAY;
  if (rest < 0n) {
    rest += MICROS_PER_DAY;
    days -= 1n;
  }
  return [Number(days), Number(rest)];
}

/** Spark's CAST(timestamp AS STRING) in UTC: `2026-11-01 10:00:00` plus a fraction without trailing zeros. */
export function formatTimestampText(micros: bigint): string {
  const [days, tod] = splitMicros(micros);
  const secs = Math.floor(tod / 1e6);
  const frac = tod % 1e6;
  const base = `${formatDate(days)} ${pad(Math.floor(secs / 3600))}:${pad(Math.floor(secs / 60) % 60)}:${pad(secs % 60)}`;
  return frac === 0 ? base : `${base}.${pad(frac, 6).replace(/0+$/, '')}`;
}

const DATE_RE = /^([+-]?\d{4,7})(?:-(\d{1,2})(?:-(\d{1,2})(?:[T ][\s\S]*)?)?)?$/;

/** Spark's string -> date: `yyyy`, `yyyy-[m]m`, `yyyy-[m]m-[d]d`, optionally followed by `T`/space and anything. */
export function parseDateText(s: string): number | null {
  const m = DATE_RE.exec(javaTrim(s));
  if (!m) return null;
  const y = Number(m[1]);
  const mo = m[2] ? Number(m[2]) : 1;
  const d = m[3] ? Number(m[3]) : 1;
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return null;
  return daysFromCivil(y, mo, d);
}

const TS_RE = /^([+-]?\d{4,7})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2})(?::(\d{1,2})(?::(\d{1,2})(?:\.(\d*))?)?)?)?\s*(\S.*)?$/;

/**
 * Spark's string -> timestamp (session time zone UTC): a date, optionally `T`/space and
 * `h[:m[:s[.fraction]]]` (an hour alone is a time too: '2026-11-01T10'), and after the seconds
 * optionally a zone as Java's ZoneId reads it (`Z`, `+02:00`, `-0530`, `UTC`, `GMT+1`,
 * `Europe/Paris`). Fraction digits beyond microseconds are truncated, as Spark does (an empty
 * fraction is none). Impossible dates and times give null.
 */
export function parseTimestampText(text: string): bigint | null {
  const s = javaTrim(text);
  const m = TS_RE.exec(s);
  if (!m) {
    // `yyyy`, `yyyy-[m]m`, `yyyy-[m]m-[d]d`: no `T` or space (Spark reads '2026-11-01T' as nothing).
    if (/[T ]/.test(s)) return null;
    const dateOnly = parseDateText(s);
    return dateOnly === null ? null : BigInt(dateOnly) * MICROS_PER_DAY;
  }
  // A zone needs seconds before it: Spark reads '2026-11-01 10:05Z' and '2026-11-01Z' as nothing.
  if (m[8] && !m[6]) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const h = m[4] ? Number(m[4]) : 0;
  const mi = m[5] ? Number(m[5]) : 0;
  const sec = m[6] ? Number(m[6]) : 0;
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || sec > 59) return null;
  const frac = m[7] ? Number(m[7].padEnd(6, '0').slice(0, 6)) : 0;
  const days = daysFromCivil(y, mo, d);
  const wallSeconds = days * 86400 + h * 3600 + mi * 60 + sec;
  const offsetSeconds = m[8] ? zoneOffsetSeconds(m[8], wallSeconds) : 0;
  if (offsetSeconds === null) return null;
  return BigInt(wallSeconds - offsetSeconds) * MICROS_PER_SECOND + BigInt(frac);
}

const OFFSET_RE = /^(?:UTC|GMT|UT)?([+-])(\d{1,2})(?::?(\d{2}))?$/;

/**
 * The offset, in seconds, of the zone named `zone` at the wall-clock time `wallSeconds` (seconds
 * since 1970-01-01 00:00 read as UTC), as java.time.ZoneId names zones (case-sensitively: 'utc'
 * is no zone); null for no zone.
 */
function zoneOffsetSeconds(zone: string, wallSeconds: number): number | null {
  if (zone === 'Z' || zone === 'UTC' || zone === 'GMT' || zone === 'UT') return 0;
  const fixed = OFFSET_RE.exec(zone);
  if (fixed) {
    const hh = Number(fixed[2]);
    const mm = fixed[3] ? Number(fixed[3]) : 0;
    if (hh > 18 || mm > 59) return null;
    return (fixed[1] === '-' ? -1 : 1) * (hh * 3600 + mm * 60);
  }
  if (!/^[A-Za-z][A-Za-z0-9~/._+-]+$/.test(zone)) return null;
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', era: 'short' });
  } catch {
    return null;
  }
  // Intl reads zone names case-insensitively; Java does not ('utc', 'europe/paris' are no zones).
  const resolved = format.resolvedOptions().timeZone;
  if (resolved !== zone && resolved.toLowerCase() === zone.toLowerCase()) return null;
  const offsetAt = (utcSeconds: number): number => {
    const parts = Object.fromEntries(format.formatToParts(new Date(utcSeconds * 1000)).map((p) => [p.type, p.value]));
    const year = parts.era === 'BC' ? 1 - Number(parts.year) : Number(parts.year);
    const local = daysFromCivil(year, Number(parts.month), Number(parts.day)) * 86400 + Number(parts.hour) * 3600 + Number(parts.minute) * 60 + Number(parts.second);
    return local - utcSeconds;
  };
  // The offset in force at that wall-clock time (read once at a guess, then at the instant it gives).
  const first = offsetAt(wallSeconds);
  return offsetAt(wallSeconds - first);
}
