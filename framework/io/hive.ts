/**
 * Hive partition paths, escaped exactly as Hive's FileUtils.escapePathName (and Spark's
 * ExternalCatalogUtils) do, so Spark, Athena and Glue find the same partitions.
 */
import { sparkDecimalString } from '../functions/decimal-arith.ts';
import { typeToString, type DataType } from '../schema/types.ts';
import { formatTimestamp } from './values.ts';
import { InternalError } from '../errors/index.ts';
import { formatDate } from '../columnar/calendar.ts';

export const HIVE_DEFAULT_PARTITION = '__HIVE_DEFAULT_PARTITION__';

const ESCAPED = new Set<number>([0x22, 0x23, 0x25, 0x27, 0x2a, 0x2f, 0x3a, 0x3d, 0x3f, 0x5c, 0x7f, 0x7b, 0x5b, 0x5d, 0x5e]);

function mustEscape(code: number): boolean {
  return code < 0x20 || ESCAPED.has(code);
}

/** Escapes a partition value for a path segment; null or '' become __HIVE_DEFAULT_PARTITION__. */
export function escapePartitionValue(value: string | null): string {
  if (value === null || value === '') return HIVE_DEFAULT_PARTITION;
  let out = '';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    out += code < 0x80 && mustEscape(code) ? `%${code.toString(16).toUpperCase().padStart(2, '0')}` : ch;
  }
  return out;
}

export function unescapePartitionValue(segment: string): string | null {
  if (segment === HIVE_DEFAULT_PARTITION) return null;
  return segment.replace(/%([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

export function partitionPath(keys: readonly { name: string; value: string | null }[]): string {
  return keys.map((k) => `${escapePartitionValue(k.name)}=${escapePartitionValue(k.value)}`).join('/');
}

/** `dt=2026-11-01/country=US` -> [{ name: 'dt', value: '2026-11-01' }, ...]; segments without '=' are ignored. */
export function parsePartitionPath(relPath: string): { name: string; value: string | null }[] {
  return relPath
    .split('/')
    .filter((s) => s.includes('='))
    .map((s) => {
      const eq = s.indexOf('=');
      return { name: unescapePartitionValue(s.slice(0, eq)) ?? '', value: unescapePartitionValue(s.slice(eq + 1)) };
    });
}

/**
 * A typed value as Spark renders it in a partition folder name (before escaping): CAST(v AS STRING)
 * in UTC. date -> yyyy-MM-dd; timestamp -> `yyyy-MM-dd HH:mm:ss[.f]` (trailing zeros of the
 * fraction dropped, so `ts=2026-11-01 10%3A00%3A00` once escaped); integers as digits;
 * booleans true/false; decimals as Spark's CAST writes them (1.50; 1.0E-7 when tiny); null -> null (the default partition).
 */
export function renderPartitionValue(type: DataType, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  switch (type.kind) {
    case 'date':
      return formatDate(value as number);
    case 'timestamp':
      return formatTimestamp(value as bigint);
    case 'boolean':
      return value === 1 || value === true ? 'true' : 'false';
    case 'decimal':
      return sparkDecimalString(value as bigint, type.scale);
    case 'int32':
    case 'int64':
    case 'string':
      return String(value);
    default:
      throw new InternalError(`a partition column of type ${typeToString(type)} passed the analyzer`);
  }
}
