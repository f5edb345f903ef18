/**
 * Spark's hash (Murmur3 x86_32) and xxhash64 (XXH64), both seeded with 42: the seed of each
 * argument is the hash so far, a null argument leaves it unchanged (so hash(null) = 42).
 * Values are hashed as Spark lays them out (HashExpression.computeHash): booleans and ints and
 * dates as an int, bigints and timestamps as a long, doubles by their bits (-0.0 as 0.0), decimals
 * of up to 18 digits by their unscaled long, strings by their UTF-8 bytes.
 *
 * Written out here rather than taken from a library because Spark's Murmur3 is not the standard
 * one: it mixes each trailing byte (sign-extended) as a whole block (Murmur3_x86_32.hashUnsafeBytes),
 * so standard implementations disagree on strings whose UTF-8 length is not a multiple of 4.
 * XXH64 is standard; it is here for the same value layouts. The case files pin both to values
 * from Spark 3.5.
 */
import { valueAt, type Column } from '../columnar/column.ts';
import { T, typeToString, type DataType } from '../schema/types.ts';
import { mapNary } from './kernel-util.ts';
import type { ArgInfo, ScalarFunction, TypeProblem } from './registry.ts';

const SEED = 42;

/** How a value is fed to the hash: as an int, a long or bytes (the hash functions differ only in these three). */
interface Hasher<H> {
  int(v: number, seed: H): H;
  long(v: bigint, seed: H): H;
  bytes(b: Uint8Array, seed: H): H;
}

// ---- Murmur3 x86_32, as org.apache.spark.unsafe.hash.Murmur3_x86_32

const mixK1 = (k: number) => Math.imul(rotl32(Math.imul(k, 0xcc9e2d51), 15), 0x1b873593);
const mixH1 = (h: number, k: number) => (Math.imul(rotl32(h ^ k, 13), 5) + 0xe6546b64) | 0;
const rotl32 = (x: number, r: number) => (x << r) | (x >>> (32 - r));
function fmix32(h: number, length: number): number {
  h ^= length;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

const murmur3: Hasher<number> = {
  int: (v, seed) => fmix32(mixH1(seed, mixK1(v)), 4),
  long: (v, seed) => fmix32(mixH1(mixH1(seed, mixK1(Number(BigInt.asIntN(32, v)))), mixK1(Number(BigInt.asIntN(32, v >> 32n)))), 8),
  bytes: (b, seed) => {
    const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const aligned = b.length - (b.length % 4);
    let h = seed;
    for (let i = 0; i < aligned; i += 4) h = mixH1(h, mixK1(view.getInt32(i, true)));
    for (let i = aligned; i < b.length; i++) h = mixH1(h, mixK1(view.getInt8(i)));
    return fmix32(h, b.length);
  },
};

// ---- XXH64, as org.apache.spark.sql.catalyst.expressions.XXH64 (unsigned 64-bit arithmetic in bigints)

const P1 = 0x9e3779b185ebca87n;
const P2 = 0xc2b2ae3d27d4eb4fn;
const P3 = 0x165667b19e3779f9n;
const P4 = 0x85ebca77c2b2ae63n;
const P5 = 0x27d4eb2f165667c5n;
const u64 = (x: bigint) => BigInt.asUintN(64, x);
const rotl64 = (x: bigint, r: bigint) => u64((x << r) | (x >> (64n - r)));
const round64 = (acc: bigint, lane: bigint) => u64(rotl64(u64(acc + lane * P2), 31n) * P1);
const merge64 = (h: bigint, v: bigint) => u64((h ^ round64(0n, v)) * P1 + P4);
function fmix64(h: bigint): bigint {
  h = u64((h ^ (h >> 33n)) * P2);
  h = u64((h ^ (h >> 29n)) * P3);
  return h ^ (h >> 32n);
}

const xxh64: Hasher<bigint> = {
  int: (v, seed) => fmix64(u64(rotl64(u64(seed + P5 + 4n) ^ u64(BigInt(v >>> 0) * P1), 23n) * P2 + P3)),
  long: (v, seed) => fmix64(u64(rotl64(u64(seed + P5 + 8n) ^ round64(0n, u64(v)), 27n) * P1 + P4)),
  bytes: (b, seed) => {
    const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const n = b.length;
    let i = 0;
    let h: bigint;
    if (n >= 32) {
      const v = [u64(seed + P1 + P2), u64(seed + P2), seed, u64(seed - P1)];
      for (; i <= n - 32; i += 32) for (let k = 0; k < 4; k++) v[k] = round64(v[k], view.getBigUint64(i + 8 * k, true));
      h = u64(rotl64(v[0], 1n) + rotl64(v[1], 7n) + rotl64(v[2], 12n) + rotl64(v[3], 18n));
      for (const x of v) h = merge64(h, x);
    } else {
      h = u64(seed + P5);
    }
    h = u64(h + BigInt(n));
    for (; i <= n - 8; i += 8) h = u64(rotl64(h ^ round64(0n, view.getBigUint64(i, true)), 27n) * P1 + P4);
    if (i <= n - 4) {
      h = u64(rotl64(h ^ u64(BigInt(view.getUint32(i, true)) * P1), 23n) * P2 + P3);
      i += 4;
    }
    for (; i < n; i++) h = u64(rotl64(h ^ u64(BigInt(b[i]) * P5), 11n) * P1);
    return fmix64(h);
  },
};

// ---- values as Spark lays them out

const doubleBits = new DataView(new ArrayBuffer(8));

/** Double.doubleToLongBits (NaN canonical), with -0.0 hashed as 0.0 as Spark does. */
function longBitsOfDouble(d: number): bigint {
  doubleBits.setFloat64(0, d === 0 ? 0 : Number.isNaN(d) ? Number.NaN : d);
  return doubleBits.getBigInt64(0);
}

/** Float.floatToIntBits (NaN canonical), with -0.0f hashed as 0.0f. */
function intBitsOfFloat(f: number): number {
  doubleBits.setFloat32(0, f === 0 ? 0 : Number.isNaN(f) ? Number.NaN : f);
  return doubleBits.getInt32(0);
}

const utf8 = new TextEncoder();

function hashValue<H>(h: Hasher<H>, type: DataType, v: unknown, seed: H): H {
  switch (type.kind) {
    case 'boolean':
      return h.int(v ? 1 : 0, seed);
    case 'int32':
    case 'date':
      return h.int(v as number, seed);
    case 'int64':
    case 'timestamp':
    case 'decimal':
      return h.long(v as bigint, seed);
    case 'float32':
      return h.int(intBitsOfFloat(v as number), seed);
    case 'float64':
      return h.long(longBitsOfDouble(v as number), seed);
    default:
      return h.bytes(utf8.encode(v as string), seed);
  }
}

const HASHABLE = new Set(['boolean', 'int32', 'date', 'int64', 'timestamp', 'float32', 'float64', 'string', 'null']);

function hashable(args: readonly ArgInfo[]): TypeProblem | null {
  for (const { type } of args) {
    // Wider decimals are hashed by BigInteger.toByteArray in Spark, which is not written out here.
    if (type.kind === 'decimal' ? type.precision > 18 : !HASHABLE.has(type.kind)) return { problem: `cannot hash a ${typeToString(type)} value; hash takes strings, booleans, numbers (decimals up to 18 digits), dates and timestamps` };
  }
  return null;
}

function sparkHash<H>(name: string, description: string, result: DataType, h: Hasher<H>, seed: H, out: (x: H) => number | bigint): ScalarFunction {
  return {
    name,
    description,
    arity: [1, Infinity],
    resolve: (args) => hashable(args) ?? result,
    kernel: (args, n) =>
      // Never null: mapNary over no columns visits every row, and null arguments are skipped.
      mapNary([], result, n, (i) => out(args.reduce((acc, c: Column) => (c.valid === null || c.valid[i] === 1 ? hashValue(h, c.type, valueAt(c, i), acc) : acc), seed))),
    sql: (a) => `${name}(${a.join(', ')})`,
  };
}

export const sparkHashes: ScalarFunction[] = [
  sparkHash('hash', "Spark's Murmur3 hash (x86_32, seed 42) of the arguments, an int; nulls are skipped", T.int32, murmur3, SEED, (x) => x),
  sparkHash('xxhash64', "Spark's xxHash64 (seed 42) of the arguments, a bigint; nulls are skipped", T.int64, xxh64, BigInt(SEED), (x) => BigInt.asIntN(64, x)),
];
