/**
 * Window frames as Spark 3.5 checks them. ROWS frames pass as written. RANGE frames need an
 * ORDER BY (unless unbounded both ways); a RANGE bound with a value needs exactly one order key,
 * and a value Spark can add to it: a number for a numeric key (a whole one for integral keys), a
 * number of days for a date key, an interval for a timestamp key. The value is stored in the
 * key's terms (bound.ts) so the engine and the SQL renderers need not know these rules.
 */
import type { LiteralValue, RangeFrameBound, WindowFrame } from '../plan/expr.ts';
import { T, isNumeric, typeToString, type DataType } from '../schema/types.ts';
import type { BoundRangeBound, BoundSortKey, BoundWindowFrame } from './bound.ts';
import { fail, type Scope } from './expressions.ts';

/** Spark's default frame with an ORDER BY: from the partition start to the current row's last peer. */
export const DEFAULT_ORDERED_FRAME: BoundWindowFrame = Object.freeze({ unit: 'range', start: Object.freeze({ kind: 'unboundedPreceding' }), end: Object.freeze({ kind: 'currentRow' }) });

const RANK: Record<RangeFrameBound['kind'], number> = { unboundedPreceding: 0, value: 1, currentRow: 1, unboundedFollowing: 2 };

export function bindFrame(s: Scope, fn: string, frame: WindowFrame | null, orderBy: readonly BoundSortKey[]): BoundWindowFrame | null {
  if (frame === null) return orderBy.length ? DEFAULT_ORDERED_FRAME : null;
  if (frame.start.kind === 'unboundedFollowing' || frame.end.kind === 'unboundedPreceding') {
    fail(s, `the frame of ${fn}() cannot start at unboundedFollowing or end at unboundedPreceding`, 'use Window.unboundedPreceding as the start, Window.unboundedFollowing as the end');
  }
  if (frame.unit === 'rows') return frame;
  const { start, end } = frame;
  const unbounded = start.kind === 'unboundedPreceding' && end.kind === 'unboundedFollowing';
  if (!orderBy.length && !unbounded) fail(s, `rangeBetween(...) of ${fn}() needs an ordered window`, `add .orderBy(...) to the window, or use rowsBetween(...)`);
  const hasValue = start.kind === 'value' || end.kind === 'value';
  if (hasValue && orderBy.length !== 1) {
    fail(s, `rangeBetween(...) with a value offset of ${fn}() needs exactly one order key, the window has ${orderBy.length}`, 'order by one column, or use rowsBetween(...)');
  }
  const key = orderBy[0]?.expr.type;
  const bound = (b: RangeFrameBound): BoundRangeBound => (b.kind === 'value' ? valueBound(s, fn, b.offset.value, b.offset.type, key!) : b);
  const bs = bound(start);
  const be = bound(end);
  // Unbounded bounds at the ends; values and CURRENT ROW (offset 0) between them, by their signed offset.
  const signed = (b: BoundRangeBound) => (b.kind !== 'value' ? 0 : b.preceding ? -Number(b.amount) : Number(b.amount));
  if (RANK[bs.kind] > RANK[be.kind] || (RANK[bs.kind] === RANK[be.kind] && signed(bs) > signed(be))) {
    fail(s, `the frame of ${fn}() starts after it ends: rangeBetween(${describe(start)}, ${describe(end)})`, 'give the earlier bound first (negative offsets are preceding)');
  }
  return { unit: 'range', start: bs, end: be };
}

function describe(b: RangeFrameBound): string {
  return b.kind === 'value' ? String(b.offset.value) : `Window.${b.kind}`;
}

/** A value offset in the order key's terms, or the reason Spark would not take it. */
function valueBound(s: Scope, fn: string, value: LiteralValue, type: DataType, key: DataType): BoundRangeBound {
  const refuse = (why: string, hint: string): never => fail(s, `rangeBetween(...) of ${fn}(): ${why}`, hint);
  const wrong = () => refuse(`an offset of type ${typeToString(type)} does not go with an order key of type ${typeToString(key)}`, OFFSET_HINT);
  switch (key.kind) {
    case 'timestamp': {
      if (type.kind !== 'interval') return wrong();
      const v = value as bigint;
      return { kind: 'value', preceding: v < 0n, amount: v < 0n ? -v : v, type: T.interval };
    }
    case 'date':
    case 'int32':
    case 'int64': {
      if (!isNumeric(type)) return wrong();
      if (typeof value === 'number' && !Number.isInteger(value)) refuse(`a fractional offset (${value}) does not go with an order key of type ${typeToString(key)}`, 'cast the order key to double or decimal first');
      const v = BigInt(value as number | bigint);
      const abs = v < 0n ? -v : v;
      const limit = key.kind === 'int64' ? 2n ** 63n - 1n : 2n ** 31n - 1n;
      if (abs > limit) refuse(`the offset ${value} does not fit the order key's type ${typeToString(key)}`, 'cast the order key to bigint first');
      return { kind: 'value', preceding: v < 0n, amount: key.kind === 'int64' ? abs : Number(abs), type: key.kind === 'date' ? T.int32 : key };
    }
    case 'float32':
    case 'float64': {
      if (!isNumeric(type)) return wrong();
      const v = Number(value);
      return { kind: 'value', preceding: v < 0, amount: Math.abs(v), type: key };
    }
    case 'decimal': {
      if (!isNumeric(type)) return wrong();
      const unscaled = exactUnscaled(value as number | bigint, key.scale);
      const abs = unscaled === null ? null : unscaled < 0n ? -unscaled : unscaled;
      if (abs === null || abs >= 10n ** BigInt(key.precision)) {
        refuse(`the offset ${value} is not a value of the order key's type ${typeToString(key)}`, 'round the offset to the key\'s scale, or cast the order key');
      }
      return { kind: 'value', preceding: unscaled! < 0n, amount: abs!, type: key };
    }
    default:
      return refuse(`a value offset needs a numeric, date or timestamp order key, not ${typeToString(key)}`, 'use Window.unboundedPreceding, Window.currentRow or Window.unboundedFollowing, or rowsBetween(...)');
  }
}

const OFFSET_HINT = "offsets are numbers for numeric order keys, whole days for date keys, intervals for timestamp keys (interval('30 minutes'))";

/** A number as an unscaled decimal at `scale`, or null when it has more fraction digits. */
function exactUnscaled(value: number | bigint, scale: number): bigint | null {
  if (typeof value === 'bigint') return value * 10n ** BigInt(scale);
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(String(value));
  if (!m) return null;
  const fraction = (m[3] ?? '').replace(/0+$/, '');
  if (fraction.length > scale) return null;
  const u = BigInt(m[2] + fraction.padEnd(scale, '0'));
  return m[1] ? -u : u;
}
