/** Orderings with Spark's semantics, shared by comparison kernels, sort, window and join. */

/**
 * Compares strings in UTF-8 byte order (= code point order), as Spark does. JavaScript's `<`
 * compares UTF-16 code units, which differs only between surrogates and U+E000..U+FFFF.
 */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x !== y) {
      if (x >= 0xd800 && y >= 0xd800) {
        x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
        y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
      }
      return x < y ? -1 : 1;
    }
  }
  return a.length - b.length;
}

/** Doubles as Spark orders them: NaN is larger than any other value and equal to itself; -0.0 = 0.0. */
export function compareDoubles(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  if (a === b) return 0;
  const an = Number.isNaN(a);
  const bn = Number.isNaN(b);
  return an && bn ? 0 : an ? 1 : -1;
}

export function compareBigints(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareInts(a: number, b: number): number {
  return a - b;
}

/** A comparator of two stored values of one type. */
export function comparatorFor(kind: string): (a: never, b: never) => number {
  switch (kind) {
    case 'string':
      return compareStrings as (a: never, b: never) => number;
    case 'float32':
    case 'float64':
      return compareDoubles as (a: never, b: never) => number;
    case 'int64':
    case 'timestamp':
    case 'interval':
    case 'decimal':
      return compareBigints as (a: never, b: never) => number;
    default:
      return compareInts as (a: never, b: never) => number;
  }
}
