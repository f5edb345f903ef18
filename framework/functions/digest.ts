/**
 * Digests and encodings of a string's UTF-8 bytes: md5, sha1, sha2, crc32, base64. Spark defines
 * them on binary; a string argument is implicitly cast to its UTF-8 bytes, which is all lakeform
 * offers (it has no binary values to give them, hence no unbase64 either).
 */
import { createHash } from 'node:crypto';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { T } from '../schema/types.ts';
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
];
