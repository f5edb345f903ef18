/**
 * Durations in job files: `'6h'`, `'90m'`, `'1d'`, `'1d12h'`. Written by hand rather than with a
 * package such as `ms` because the accepted forms must be exact and few: whole days, hours and
 * minutes (no months, whose length varies; no fractions, which do not fall on folder boundaries),
 * and anything else must be refused, not read as `undefined` or NaN.
 */
export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

const DURATION = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?$/;

export const DURATION_HINT = "write whole days, hours and minutes, e.g. '6h', '90m', '1d' or '1d12h'";

/** Milliseconds in a duration such as '6h' or '1d12h'; undefined when the text is not one. */
export function parseDuration(text: string): number | undefined {
  const m = DURATION.exec(text);
  if (!m || text === '') return undefined;
  return Number(m[1] ?? 0) * DAY_MS + Number(m[2] ?? 0) * HOUR_MS + Number(m[3] ?? 0) * MINUTE_MS;
}

/** The shortest text parseDuration reads back to the same value: 30 hours is '1d6h'. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0m';
  const d = Math.floor(ms / DAY_MS);
  const h = Math.floor((ms % DAY_MS) / HOUR_MS);
  const m = Math.floor((ms % HOUR_MS) / MINUTE_MS);
  return `${d ? `${d}d` : ''}${h ? `${h}h` : ''}${m ? `${m}m` : ''}`;
}
