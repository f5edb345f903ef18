/**
 * Digests and encodings of a string's UTF-8 bytes: md5, sha1, sha2, crc32, base64, and unbase64
 * back to binary. Spark defines the digests on binary; a string argument is implicitly cast to its
 * UTF-8 bytes.
 */
import { createHash } from 'node:crypto';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { DataValueError } from '../errors/index.ts';
import { T, typeToString } from '../schema/types.ts';
import { mapUnary } from './kernel-util.ts';
import { stringFunction } from './string.ts';
import type { ScalarFunction } from './registry.ts';

const hexDigest = (algorithm: string) => (s: string) => createHash(algorithm).update(s, 'utf8').digest('hex');

const digest = (name: string, description: string, algorithm: string): ScalarFunction =>
  stringFunction({ name, description, params: [['the first argument', 'string']], result: T.string, f: hexDigest(algorithm) });

/** sha2's bit lengths (0 means 256); any other gives null, as in Spark. */
const SHA2: ReadonlyMap<number, (s: string) => string> = new Map([
  [0, hexDigest('sha256')],
  [224, hexDigest('sha224')],
  [256, hexDigest('sha256')],
  [384, hexDigest('sha384')],
  [512, hexDigest('sha512')],
]);

/** Java's MIME base64 encoder, which Spark 3.5's base64 uses: lines of 76 characters joined by CRLF. */
function mimeBase64(s: string): string {
  return (Buffer.from(s, 'utf8').toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');
}

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASE64_VALUE: ReadonlyMap<number, number> = new Map([...BASE64_ALPHABET].map((ch, v) => [ch.charCodeAt(0), v]));
const PAD = 0x3d; // '='

/**
 * Java's MIME base64 decoder (java.util.Base64.getMimeDecoder().decode(String)), which Spark 3.5's
 * unbase64 calls even when ANSI mode is off: characters outside the alphabet are skipped (Java
 * reads the string as ISO-8859-1, so every non-ASCII character is one skipped byte), padding is
 * optional, and a dangling sixth of a byte, a wrong padding or data after the padding fails,
 * with Java's message. A port of its decode0, so the same inputs fail.
 */
export function javaMimeBase64Decode(s: string): Uint8Array {
  const src = [...s].map((ch) => ch.codePointAt(0)!);
  const out: number[] = [];
  let bits = 0;
  let shift = 18;
  let sp = 0;
  const fail = (message: string): never => {
    throw new DataValueError(`unbase64: ${JSON.stringify(s)} is not base64 text, where Spark fails the job with "${message}"`, 'clean the column first, e.g. keep only values matching regexpLike(col, \'^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$\')');
  };
  while (sp < src.length) {
    const c = src[sp++];
    if (c === PAD) {
      // '=' ends the data: after one character, or after two without a second '=', it is wrong.
      if ((shift === 6 && (sp === src.length || src[sp++] !== PAD)) || shift === 18) fail('Input byte array has wrong 4-byte ending unit');
      break;
    }
    const v = BASE64_VALUE.get(c);
    if (v === undefined) continue;
    bits |= v << shift;
    shift -= 6;
    if (shift < 0) {
      out.push((bits >> 16) & 0xff, (bits >> 8) & 0xff, bits & 0xff);
      shift = 18;
      bits = 0;
    }
  }
  if (shift === 6) out.push((bits >> 16) & 0xff);
  else if (shift === 0) out.push((bits >> 16) & 0xff, (bits >> 8) & 0xff);
  else if (shift === 12) fail('Last unit does not have enough valid bits');
  while (sp < src.length) if (BASE64_VALUE.has(src[sp++])) fail(`Input byte array has incorrect ending byte at ${sp}`);
  return Uint8Array.from(out);
}

export const digests: ScalarFunction[] = [
  digest('md5', "the MD5 digest of the string's UTF-8 bytes, as 32 hex digits", 'md5'),
  digest('sha1', "the SHA-1 digest of the string's UTF-8 bytes, as 40 hex digits", 'sha1'),
  stringFunction({
    name: 'sha2',
    description: "sha2(s, bits): the SHA-2 digest (bits 224, 256, 384 or 512; 0 means 256) of the string's UTF-8 bytes in hex; null for other bits",
    params: [['the first argument', 'string'], ['the bit length', 'int']],
    result: T.string,
    f: (s: string, bits: number) => SHA2.get(bits)?.(s) ?? null,
    // DuckDB has only SHA-256 among these.
    duckdb: ([s, bits]) => `(CASE WHEN ${bits} IN (0, 256) THEN sha256(${s}) END)`,
  }),
  stringFunction({
    name: 'crc32',
    description: "the CRC-32 checksum of the string's UTF-8 bytes (bigint)",
    params: [['the first argument', 'string']],
    result: T.int64,
    f: (s: string) => BigInt(zlibCrc32(s)),
  }),
  stringFunction({
    name: 'base64',
    description: "the base64 text of the string's UTF-8 bytes (as Spark 3.5: lines of 76 characters separated by CRLF)",
    params: [['the first argument', 'string']],
    result: T.string,
    f: mimeBase64,
    duckdb: ([s]) => `to_base64(encode(${s}))`,
  }),
  {
    name: 'unbase64',
    description: "unbase64(s): the bytes (binary) of base64 text, decoded as Spark 3.5 does (Java's MIME decoder: other characters skipped, padding optional; a malformed end fails the job)",
    arity: [1, 1],
    resolve: ([a]) => (a.type.kind === 'string' || a.type.kind === 'null' ? T.binary : { problem: `the first argument must be a string, got ${typeToString(a.type)}; cast it with .cast(types.string)` }),
    kernel: ([a], n) => mapUnary<string, Uint8Array>(a, T.binary, n, javaMimeBase64Decode),
    sql: ([s]) => `unbase64(${s})`,
    // DuckDB's from_base64 is strict (no skipped characters, padding required): it agrees on canonical text only.
    dialects: { duckdb: ([s]) => `from_base64(${s})` },
  },
];
