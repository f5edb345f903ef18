/**
 * The canonical form of a value in which the function case runners (the local engine, DuckDB,
 * Spark) compare results: exact where the engines are exact; doubles in the repository's one
 * matching form (framework/testing/typed-values.ts `doubleMatchForm`), with the sign of zero
 * kept, since a case asserts one function's value and Spark keeps -0.0 apart.
 */
import { formatDate } from '../../framework/columnar/calendar.ts';
import { decimalText } from '../../framework/functions/cast.ts';
import { splitMicros } from '../../framework/functions/datetime-text.ts';
import { duckdbDialect, sparkDialect } from '../../framework/compile/sql/dialect.ts';
import type { DataType } from '../../framework/schema/types.ts';
import { doubleMatchForm } from '../../framework/testing/typed-values.ts';

export type Canonical = null | boolean | number | string | readonly Canonical[];

/**
 * Bigints, intervals (microseconds) and decimals as exact text, binary as upper-case hex, dates and timestamps as ISO text,
 * -0.0 by name, other doubles in their matching form. Structs are their field values in order,
 * maps their [key, value] pairs.
 */
export function canonicalValue(v: unknown, type: DataType): Canonical {
  if (v === null || v === undefined) return null;
  switch (type.kind) {
    case 'int64':
    case 'interval':
      return String(v);
    case 'decimal':
      return decimalText(BigInt(v as bigint), type.scale);
    case 'float32':
    case 'float64':
      return canonicalDouble(v as number);
    case 'date':
      return formatDate(v as number);
    case 'timestamp':
      return isoTimestamp(BigInt(v as bigint));
    case 'binary':
      return Buffer.from(v as Uint8Array).toString('hex').toUpperCase();
    case 'boolean':
      // Top-level booleans are read as booleans, nested ones stay in storage form (0/1).
      return v === true || v === 1;
    case 'array':
      return (v as unknown[]).map((x) => canonicalValue(x, type.element));
    case 'struct': {
      const row = v as Record<string, unknown>;
      return type.fields.map((f) => canonicalValue(row[f.name], f.type));
    }
    case 'map': {
      // An object by key (the engine), or [key, value] pairs (DuckDB); the key order is kept, as Spark keeps it.
      const pairs = Array.isArray(v) ? (v as [unknown, unknown][]) : Object.entries(v as Record<string, unknown>);
      return pairs.map(([k, x]) => [canonicalValue(k, type.key), canonicalValue(x, type.value)]);
    }
    default:
      return v as Canonical;
  }
}

/** `2026-11-01T10:00:00.000000Z`, for any year a long of microseconds reaches (a JS Date does not). */
function isoTimestamp(micros: bigint): string {
  const [days, microsOfDay] = splitMicros(micros);
  const two = (n: number) => String(n).padStart(2, '0');
  const seconds = Math.floor(microsOfDay / 1e6);
  return `${formatDate(days)}T${two(Math.floor(seconds / 3600))}:${two(Math.floor(seconds / 60) % 60)}:${two(seconds % 60)}.${String(microsOfDay % 1e6).padStart(6, '0')}Z`;
}

function canonicalDouble(x: number): Canonical {
  return Object.is(x, -0) ? '-0.0' : doubleMatchForm(x);
}

/**
 * The canonical form with -0.0 as 0, for comparisons with DuckDB outside the case files: DuckDB's
 * rounding gives -0.0 where Spark gives 0.0 (bround.cases holds Spark's), so only the case files,
 * which Spark judges, compare the sign of zero.
 */
export function unsignedZero(c: Canonical): Canonical {
  if (c === '-0.0') return 0;
  return Array.isArray(c) ? c.map(unsignedZero) : c;
}

/**
 * SQL whose value converts exactly into the form our values are compared in, at any depth (inside
 * arrays, structs and map values): dates as days, timestamps and intervals as epoch microseconds,
 * decimals as text on DuckDB. The clients' own conversions of these lose precision or change form
 * (PySpark's datetimes take the Python process's zone and stop at year 9999; DuckDB's client
 * gives nested dates as objects). `typedValue(..., { exact: true })` reads the result.
 */
export function exactSql(engine: 'spark' | 'duckdb', sql: string, type: DataType, depth = 0): string {
  const inner = (x: string, t: DataType) => exactSql(engine, x, t, depth + 1);
  const x = `x${depth}`;
  const spark = engine === 'spark';
  if (!holdsInexact(engine, type)) return sql;
  switch (type.kind) {
    case 'date':
      return spark ? `unix_date(${sql})` : `CAST((${sql}) - DATE '1970-01-01' AS INTEGER)`;
    case 'timestamp':
      return spark ? `unix_micros(${sql})` : `epoch_us(${sql})`;
    case 'interval':
      // DuckDB's dialect keeps intervals as a BIGINT of microseconds already.
      return `unix_micros(timestamp_micros(0) + ${sql})`;
    case 'decimal':
      return `CAST(${sql} AS VARCHAR)`;
    case 'binary':
      return `hex(${sql})`;
    case 'array':
      return `${spark ? 'transform' : 'list_transform'}(${sql}, ${x} -> ${inner(x, type.element)})`;
    case 'struct': {
      const d = spark ? sparkDialect : duckdbDialect;
      const fields = type.fields.map((f) => [f.name, inner(`(${sql}).${d.quoteIdentifier(f.name)}`, f.type)]);
      const built = spark
        ? `named_struct(${fields.map(([n, v]) => `${d.stringLiteral(n)}, ${v}`).join(', ')})`
        : `struct_pack(${fields.map(([n, v]) => `${d.quoteIdentifier(n)} := ${v}`).join(', ')})`;
      return `CASE WHEN (${sql}) IS NULL THEN NULL ELSE ${built} END`;
    }
    case 'map':
      return spark
        ? `transform_values(${sql}, (k${depth}, ${x}) -> ${inner(x, type.value)})`
        : `map_from_entries(list_transform(map_entries(${sql}), ${x} -> {'key': ${x}.key, 'value': ${inner(`${x}.value`, type.value)}}))`;
    default:
      return sql;
  }
}

/** Whether a value of `type` holds anything exactSql converts. */
function holdsInexact(engine: 'spark' | 'duckdb', type: DataType): boolean {
  switch (type.kind) {
    case 'date':
    case 'timestamp':
    case 'binary':
      return true;
    case 'interval':
      return engine === 'spark';
    case 'decimal':
      return engine === 'duckdb';
    case 'array':
      return holdsInexact(engine, type.element);
    case 'struct':
      return type.fields.some((f) => holdsInexact(engine, f.type));
    case 'map':
      return holdsInexact(engine, type.value);
    default:
      return false;
  }
}

export const duckdbExactSql = (sql: string, type: DataType): string => exactSql('duckdb', sql, type);
