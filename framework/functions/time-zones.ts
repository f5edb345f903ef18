/**
 * Offsets of IANA time zones, from the tz database bundled with the JavaScript runtime (Intl),
 * for from_utc_timestamp and to_utc_timestamp. Spark reads the same zones from Java's tz
 * database; the two agree except where the databases' versions differ (rare historical rules).
 */

const SECOND = 1_000_000n;
const HOUR_MS = 3_600_000;
/** The range of instants JavaScript's Date can format; farther instants use the offset at the edge. */
const MAX_MS = 8.64e15;

/**
 * The zone's canonical spelling when Spark would accept `name` too, else null. Spark's zone ids
 * are case-sensitive ('utc' and 'europe/paris' are unknown to it) while Intl ignores case, so a
 * name must start each '/'-separated part with a capital letter, as region ids do. Offsets such as
 * '+05:30' are not IANA names and are not accepted here.
 */
export function knownZone(name: string): string | null {
  if (!/^[A-Z][A-Za-z0-9_+-]*(\/[A-Z][A-Za-z0-9_+-]*)*$/.test(name)) return null;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/** UTC offset of a zone, in microseconds, at UTC instants; offsets change at most once an hour, so each hour is looked up once. */
export class ZoneOffsets {
  private readonly format: Intl.DateTimeFormat;
  private readonly byHour = new Map<number, number>();

  constructor(zone: string) {
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  /** Offset at a UTC instant (microseconds). */
  at(micros: bigint): bigint {
    const ms = Math.max(-MAX_MS, Math.min(MAX_MS, Number(micros / 1000n)));
    const hour = Math.floor(ms / HOUR_MS);
    const a = this.hourStart(hour);
    // Equal offsets at both ends of the hour: no transition inside it.
    return BigInt(a === this.hourStart(hour + 1) ? a : this.exact(ms)) * SECOND;
  }

  /** Spark's from_utc_timestamp: the wall-clock time in the zone at a UTC instant, written as UTC. */
  fromUtc(micros: bigint): bigint {
    return micros + this.at(micros);
  }

  /**
   * Spark's to_utc_timestamp: the UTC instant of a wall-clock time in the zone, resolved as Java's
   * ZonedDateTime.ofLocal does: in an overlap (clocks set back) the earlier offset; in a gap (clocks
   * set forward) the time is moved forward by the gap's length.
   */
  toUtc(local: bigint): bigint {
    const before = this.at(local - 86_400n * SECOND);
    const after = this.at(local + 86_400n * SECOND);
    if (this.at(local - before) === before) return local - before;
    if (this.at(local - after) === after) return local - after;
    return local - before; // in a gap: local + gap length, at the offset after it
  }

  private hourStart(hour: number): number {
    let o = this.byHour.get(hour);
    if (o === undefined) {
      o = this.exact(Math.max(-MAX_MS, Math.min(MAX_MS, hour * HOUR_MS)));
      this.byHour.set(hour, o);
    }
    return o;
  }

  /** Offset in seconds at a millisecond instant: the zone's wall clock minus UTC. */
  private exact(ms: number): number {
    const p: Record<string, string> = {};
    for (const part of this.format.formatToParts(new Date(ms))) p[part.type] = part.value;
    const y = p.era === 'BC' || p.era === 'B' ? 1 - Number(p.year) : Number(p.year);
    const wall = Date.UTC(2000, Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
    // Date.UTC maps years 0-99 to 1900-1999: set the year separately.
    const d = new Date(wall);
    d.setUTCFullYear(y);
    const utcSeconds = Math.floor(ms / 1000);
    return Math.round(d.getTime() / 1000) - utcSeconds;
  }
}
