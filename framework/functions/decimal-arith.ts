/**
 * Decimal arithmetic as Spark 3.5 does it (non-ANSI mode, spark.sql.decimalOperations.
 * allowPrecisionLoss=true, its defaults), on unscaled bigints of up to 38 digits:
 *
 * Result types (DecimalPrecision), then `adjust` when the precision exceeds 38:
 *   a + b, a - b   scale max(s1, s2), precision max(p1 - s1, p2 - s2) + scale + 1
 *   a * b          precision p1 + p2 + 1, scale s1 + s2
 *   a / b          scale max(6, s1 + p2 + 1), precision p1 - s1 + s2 + scale
 *   a % b          scale max(s1, s2), precision min(p1 - s1, p2 - s2) + scale
 *   sum(a)         decimal(min(38, p + 10), s);  avg(a): decimal(min(38, p + 4), min(38, s + 4))
 * An int operand counts as decimal(10,0), a bigint as decimal(20,0).
 *
 * Values (Decimal.scala): + - and % are exact; * and / are rounded HALF_UP to 39 significant
 * digits (its MathContext) and then, like every result, to the result's scale, HALF_UP
 * (CheckOverflow's changePrecision): two roundings, kept here as Spark does them. A result
 * with more digits than its precision is null, as is a division by zero.
 */
import { SparkArithmeticError } from '../errors/index.ts';
import { MAX_DECIMAL_PRECISION, T, type DataType } from '../schema/types.ts';

export type DecimalType = Extract<DataType, { kind: 'decimal' }>;

/** Spark's MINIMUM_ADJUSTED_SCALE: precision loss never takes a result below 6 fraction digits. */
const MIN_ADJUSTED_SCALE = 6;
/** Spark's Decimal MATH_CONTEXT precision (MAX_PRECISION + 1). */
const MATH_CONTEXT_DIGITS = 39;

/** The decimal type an operand takes in decimal arithmetic, or undefined (floats make the operation a double one). */
export function asDecimal(t: DataType): DecimalType | undefined {
  if (t.kind === 'decimal') return t;
  if (t.kind === 'int32') return T.decimal(10, 0) as DecimalType;
  if (t.kind === 'int64') return T.decimal(20, 0) as DecimalType;
  return undefined;
}

/** DecimalType.adjustPrecisionScale: a precision over 38 gives up fraction digits, keeping at least 6. */
export function adjust(precision: number, scale: number): DecimalType {
  if (precision <= MAX_DECIMAL_PRECISION) return T.decimal(precision, scale) as DecimalType;
  const intDigits = precision - scale;
  const minScale = Math.min(scale, MIN_ADJUSTED_SCALE);
  return T.decimal(MAX_DECIMAL_PRECISION, Math.max(MAX_DECIMAL_PRECISION - intDigits, minScale)) as DecimalType;
}

export type DecimalOp = '+' | '-' | '*' | '/' | '%';

export function decimalResultType(op: DecimalOp, a: DecimalType, b: DecimalType): DecimalType {
  const { precision: p1, scale: s1 } = a;
  const { precision: p2, scale: s2 } = b;
  switch (op) {
    case '+':
    case '-': {
      const scale = Math.max(s1, s2);
      return adjust(Math.max(p1 - s1, p2 - s2) + scale + 1, scale);
    }
    case '*':
      return adjust(p1 + p2 + 1, s1 + s2);
    case '/': {
      const scale = Math.max(MIN_ADJUSTED_SCALE, s1 + p2 + 1);
      return adjust(p1 - s1 + s2 + scale, scale);
    }
    case '%': {
      const scale = Math.max(s1, s2);
      return adjust(Math.min(p1 - s1, p2 - s2) + scale, scale);
    }
  }
}

export const sumType = (t: DecimalType): DecimalType => T.decimal(Math.min(MAX_DECIMAL_PRECISION, t.precision + 10), t.scale) as DecimalType;
export const avgType = (t: DecimalType): DecimalType => T.decimal(Math.min(MAX_DECIMAL_PRECISION, t.precision + 4), Math.min(MAX_DECIMAL_PRECISION, t.scale + 4)) as DecimalType;

const TEN = 10n;
const pow10 = (n: number): bigint => TEN ** BigInt(n);
const abs = (x: bigint) => (x < 0n ? -x : x);
const digits = (x: bigint): number => (x === 0n ? 1 : abs(x).toString().length);

/** n / d rounded HALF_UP (ties away from zero), for any signs; d != 0. */
export function divideHalfUp(n: bigint, d: bigint): bigint {
  const negative = n < 0n !== d < 0n;
  const an = abs(n);
  const ad = abs(d);
  const q = an / ad;
  const r = an - q * ad;
  const rounded = r * 2n >= ad ? q + 1n : q;
  return negative ? -rounded : rounded;
}

/** An unscaled value at `from` scale, at `to` scale (rounded HALF_UP when digits are dropped). */
export function rescale(u: bigint, from: number, to: number): bigint {
  return to >= from ? u * pow10(to - from) : divideHalfUp(u, pow10(from - to));
}

/** The value u / 10^scale rounded HALF_UP to 39 significant digits (Java's MathContext), as (unscaled, scale). */
function toMathContext(u: bigint, scale: number): [bigint, number] {
  const drop = digits(u) - MATH_CONTEXT_DIGITS;
  return drop > 0 ? [divideHalfUp(u, pow10(drop)), scale - drop] : [u, scale];
}

/** The exact quotient (n / 10^sn) / (d / 10^sd) rounded HALF_UP to 39 significant digits, as (unscaled, scale). */
function quotientMathContext(n: bigint, sn: number, d: bigint, sd: number): [bigint, number] {
  if (n === 0n) return [0n, 0];
  // value = n / d * 10^(sd - sn); choose k so that round(|n| * 10^k / |d|) has 39 digits.
  const an = abs(n);
  const ad = abs(d);
  let e = an.toString().length - ad.toString().length; // 10^e <= |n/d| < 10^(e+1), or one less
  const compare = e >= 0 ? an >= ad * pow10(e) : an * pow10(-e) >= ad;
  if (!compare) e -= 1;
  const k = MATH_CONTEXT_DIGITS - 1 - e;
  const scaledN = k >= 0 ? n * pow10(k) : n;
  const scaledD = k >= 0 ? d : d * pow10(-k);
  const q = divideHalfUp(scaledN, scaledD);
  return [q, k + sn - sd];
}

/**
 * `a op b` on unscaled values of types ta and tb, as a value of `result`
 * (decimalResultType(op, ta, tb)), or null (overflow, division by zero).
 */
export function decimalArith(op: DecimalOp, a: bigint, ta: DecimalType, b: bigint, tb: DecimalType, result: DecimalType): bigint | null {
  let u: bigint;
  let scale: number;
  switch (op) {
    case '+':
    case '-': {
      scale = Math.max(ta.scale, tb.scale);
      const x = rescale(a, ta.scale, scale);
      const y = rescale(b, tb.scale, scale);
      u = op === '+' ? x + y : x - y;
      break;
    }
    case '*':
      [u, scale] = toMathContext(a * b, ta.scale + tb.scale);
      break;
    case '/':
      if (b === 0n) return null;
      [u, scale] = quotientMathContext(a, ta.scale, b, tb.scale);
      break;
    case '%': {
      if (b === 0n) return null;
      scale = Math.max(ta.scale, tb.scale);
      const x = rescale(a, ta.scale, scale);
      const y = rescale(b, tb.scale, scale);
      // Java's BigDecimal.remainder under Spark's MathContext needs the integral quotient in 39 digits.
      if (digits(x / y) > MATH_CONTEXT_DIGITS) {
        throw new SparkArithmeticError(
          `decimal remainder ${decimalText(a, ta.scale)} % ${decimalText(b, tb.scale)}: the quotient has more than ${MATH_CONTEXT_DIGITS} digits, where Spark fails with "Division impossible"`,
          'cast the operands to double, or keep the divisor within 39 digits of the dividend',
        );
      }
      u = x % y;
      break;
    }
  }
  return fitDecimal(rescale(u, scale, result.scale), result.precision);
}

/** The unscaled value when it has at most `precision` digits, else null (Spark's overflow, non-ANSI). */
export function fitDecimal(u: bigint, precision: number): bigint | null {
  const limit = pow10(precision);
  return u < limit && u > -limit ? u : null;
}

/**
 * avg over decimals as Spark computes it: the sum (as sumType) divided by the count as a
 * decimal(20,0), by the division's own type and roundings, then cast to avgType.
 */
export function decimalAverage(sum: bigint, count: bigint, t: DecimalType): bigint | null {
  const st = sumType(t);
  if (fitDecimal(sum, st.precision) === null) return null;
  const ct = T.decimal(20, 0) as DecimalType;
  const quotientType = decimalResultType('/', st, ct);
  const q = decimalArith('/', sum, st, count, ct, quotientType);
  if (q === null) return null;
  const out = avgType(t);
  return fitDecimal(rescale(q, quotientType.scale, out.scale), out.precision);
}

/** An unscaled value as decimal text with exactly `scale` fraction digits (Spark's CAST(d AS STRING)). */
export function decimalText(u: bigint, scale: number): string {
  const s = abs(u).toString().padStart(scale + 1, '0');
  return `${u < 0n ? '-' : ''}${scale ? `${s.slice(0, -scale)}.${s.slice(-scale)}` : s}`;
}

/**
 * An unscaled value as Spark's CAST(decimal AS STRING) writes it: Java's BigDecimal.toString,
 * plain unless the value is small (adjusted exponent below -6), then scientific: 1.50, 0.000001,
 * 1.0E-7, 0E-27 (zero at scale 27), -5.609E-33. Partition folder names use it too.
 */
export function sparkDecimalString(u: bigint, scale: number): string {
  const coeff = abs(u).toString();
  const sign = u < 0n ? '-' : '';
  const adjusted = coeff.length - 1 - scale;
  if (scale >= 0 && adjusted >= -6) return `${sign}${decimalText(abs(u), scale)}`;
  const mantissa = coeff.length > 1 ? `${coeff[0]}.${coeff.slice(1)}` : coeff;
  return `${sign}${mantissa}E${adjusted > 0 ? '+' : ''}${adjusted}`;
}

/** A decimal as a double: Spark divides the long by 10^scale up to 18 digits, and converts the exact value beyond. */
export function decimalToDouble(u: bigint, t: DecimalType): number {
  return t.precision <= 18 ? Number(u) / 10 ** t.scale : Number(decimalText(u, t.scale));
}
