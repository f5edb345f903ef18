/**
 * Day-time intervals as the engine stores them: a signed count of microseconds in a bigint, the
 * representation of Spark's `interval day to second`. The text form is the DSL's
 * (`interval('1 hour 30 minutes')`) and the function case files'.
 */

const MICROS: Readonly<Record<string, bigint>> = {
  week: 604_800_000_000n,
  day: 86_400_000_000n,
  hour: 3_600_000_000n,
  minute: 60_000_000n,
  second: 1_000_000n,
  millisecond: 1_000n,
  microsecond: 1n,
};

const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

/** What is wrong with an interval text, for the caller to raise in its own terms. */
export interface IntervalProblem {
  readonly problem: string;
}

/**
 * `[-]N unit [N unit ...]`: units week, day, hour, minute, second, millisecond, microsecond
 * (singular or plural); a fraction is allowed where it stays whole microseconds (`1.5 seconds`).
 * A leading `-` negates the whole interval (`-30 minutes`). Months and years are refused: they
 * are calendar units, not a fixed number of microseconds (Spark keeps them in another type).
 */
export function parseInterval(text: string): bigint | IntervalProblem {
  const body = text.trim();
  const negative = body.startsWith('-');
  const parts = (negative ? body.slice(1) : body).trim().split(/\s+/);
  if (parts.length < 2 || parts.length % 2 !== 0) return { problem: `'${text}' is not an interval: expected a number and a unit, e.g. '30 minutes' or '1 day 2 hours'` };
  let total = 0n;
  for (let i = 0; i < parts.length; i += 2) {
    const unit = parts[i + 1].toLowerCase().replace(/s$/, '');
    const per = MICROS[unit];
    if (per === undefined) {
      const calendar = unit === 'month' || unit === 'year';
      return { problem: `'${text}': ${calendar ? `${unit}s are calendar units, not a fixed duration` : `unknown unit '${parts[i + 1]}'`}; units are weeks, days, hours, minutes, seconds, milliseconds, microseconds` };
    }
    const m = /^(\d+)(?:\.(\d+))?$/.exec(parts[i]);
    if (!m) return { problem: `'${text}': '${parts[i]}' is not an unsigned number` };
    const fraction = m[2] ?? '';
    const scale = 10n ** BigInt(fraction.length);
    const scaled = BigInt(m[1] + fraction) * per;
    if (scaled % scale !== 0n) return { problem: `'${text}': ${parts[i]} ${parts[i + 1]} is not a whole number of microseconds` };
    total += scaled / scale;
  }
  const micros = negative ? -total : total;
  if (micros < LONG_MIN || micros > LONG_MAX) return { problem: `'${text}' is beyond the range of a day-time interval (about 292,000 years)` };
  return micros;
}
