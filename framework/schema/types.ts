/**
 * The canonical dataset schema. Every other representation (zod, Arrow, Hive/Glue, Spark)
 * is derived from these types, so a type exists in exactly one place.
 */
import { InternalError } from '../errors/index.ts';

export type PrimitiveKind =
  | 'string'
  | 'binary'
  | 'boolean'
  | 'int32'
  | 'int64'
  | 'float32'
  | 'float64'
  | 'date'
  | 'timestamp'
  /** Spark's day-time interval (`interval day to second`): a signed count of microseconds. */
  | 'interval';

export type DataType =
  | { readonly kind: PrimitiveKind }
  | { readonly kind: 'decimal'; readonly precision: number; readonly scale: number }
  | { readonly kind: 'struct'; readonly fields: readonly Field[] }
  | { readonly kind: 'array'; readonly element: DataType; readonly containsNull: boolean }
  | { readonly kind: 'map'; readonly key: DataType; readonly value: DataType; readonly valueContainsNull: boolean }
  | { readonly kind: 'null' };

export type TypeKind = DataType['kind'];

export interface Field {
  readonly name: string;
  readonly type: DataType;
  readonly nullable: boolean;
  readonly comment?: string;
  /** Allowed values of an enum column; enforced as a data check on read. */
  readonly enumValues?: readonly string[];
  /**
   * Input fields only (`lenient(...)` in the zod schema): a value that does not fit the type is
   * read as null and counted, instead of making the whole record bad. Always nullable.
   */
  readonly lenient?: true;
}

export interface DatasetSchema {
  readonly fields: readonly Field[];
}

/** Spark's (and Hive's, Athena's) widest decimal. */
export const MAX_DECIMAL_PRECISION = 38;
/**
 * Decimals up to this precision are stored as unscaled 64-bit integers (a BigInt64Array); wider
 * ones as an array of bigints (framework/columnar/column.ts). Both read as bigint per value.
 */
export const MAX_LONG_DECIMAL_PRECISION = 18;

const primitive = (kind: PrimitiveKind | 'null'): DataType => Object.freeze({ kind }) as DataType;

/** Type constants and constructors, e.g. `T.int64`, `T.decimal(10, 2)`. */
export const T = {
  string: primitive('string'),
  binary: primitive('binary'),
  boolean: primitive('boolean'),
  int32: primitive('int32'),
  int64: primitive('int64'),
  float32: primitive('float32'),
  float64: primitive('float64'),
  date: primitive('date'),
  timestamp: primitive('timestamp'),
  interval: primitive('interval'),
  null: primitive('null'),
  decimal: (precision: number, scale: number): DataType => Object.freeze({ kind: 'decimal', precision, scale }),
} as const;

export function field(name: string, type: DataType, nullable = true, extra: Partial<Field> = {}): Field {
  return Object.freeze({ name, type, nullable, ...extra });
}

/** Paths of the lenient fields (`amount`, `device.os`), in schema order; they are never inside arrays or maps. */
export function lenientPaths(fields: readonly Field[], prefix = ''): string[] {
  return fields.flatMap((f) => [
    ...(f.lenient ? [prefix + f.name] : []),
    ...(f.type.kind === 'struct' ? lenientPaths(f.type.fields, `${prefix}${f.name}.`) : []),
  ]);
}

/**
 * The schema without its lenient marks, which are about reading JSON lines and CSV: an output
 * table, a catalog table and a Parquet input have none (a Parquet column of the wrong type fails
 * its whole file, there is no value to null). Reusing an input schema for them is then harmless.
 */
export function withoutLenient(schema: DatasetSchema): DatasetSchema {
  return lenientPaths(schema.fields).length ? schemaOf(schema.fields.map(plainField)) : schema;
}

function plainField(f: Field): Field {
  const { lenient: _, ...rest } = f;
  // Lenient fields are never inside arrays or maps (framework/schema/zod.ts): structs are all to walk.
  const type: DataType = f.type.kind === 'struct' ? Object.freeze({ kind: 'struct', fields: Object.freeze(f.type.fields.map(plainField)) }) : f.type;
  return Object.freeze({ ...rest, type });
}

export function schemaOf(fields: readonly Field[]): DatasetSchema {
  return Object.freeze({ fields: Object.freeze([...fields]) });
}

export function isNumeric(t: DataType): boolean {
  return t.kind === 'int32' || t.kind === 'int64' || t.kind === 'float32' || t.kind === 'float64' || t.kind === 'decimal';
}

export function isIntegral(t: DataType): boolean {
  return t.kind === 'int32' || t.kind === 'int64';
}

export function isOrderable(t: DataType): boolean {
  return isNumeric(t) || t.kind === 'string' || t.kind === 'boolean' || t.kind === 'date' || t.kind === 'timestamp' || t.kind === 'interval' || t.kind === 'null';
}

export function sameType(a: DataType, b: DataType): boolean {
  return typeToString(a) === typeToString(b);
}

/** Human-readable type name, used in messages (Spark-flavoured, since that is what users read in EMR logs). */
export function typeToString(t: DataType): string {
  switch (t.kind) {
    case 'string':
    case 'binary':
    case 'boolean':
    case 'date':
    case 'timestamp':
    case 'null':
      return t.kind;
    case 'interval':
      return 'interval day to second';
    case 'int32':
      return 'int';
    case 'int64':
      return 'bigint';
    case 'float32':
      return 'float';
    case 'float64':
      return 'double';
    case 'decimal':
      return `decimal(${t.precision},${t.scale})`;
    case 'struct':
      return `struct<${t.fields.map((f) => `${f.name}:${typeToString(f.type)}`).join(',')}>`;
    case 'array':
      return `array<${typeToString(t.element)}>`;
    case 'map':
      return `map<${typeToString(t.key)},${typeToString(t.value)}>`;
    default:
      return assertNever(t);
  }
}

export function assertNever(x: never): never {
  throw new InternalError(`unhandled case: ${JSON.stringify(x)}`);
}

/** Numeric widening order used for binary arithmetic and comparisons (Spark's implicit casts). */
const NUMERIC_RANK: Partial<Record<TypeKind, number>> = { int32: 1, int64: 2, decimal: 3, float32: 4, float64: 5 };

export function widerNumeric(a: DataType, b: DataType): DataType | undefined {
  if (a.kind === 'null') return b;
  if (b.kind === 'null') return a;
  const ra = NUMERIC_RANK[a.kind];
  const rb = NUMERIC_RANK[b.kind];
  if (ra === undefined || rb === undefined) return undefined;
  if (a.kind === 'decimal' && b.kind === 'decimal') {
    const scale = Math.max(a.scale, b.scale);
    const intDigits = Math.max(a.precision - a.scale, b.precision - b.scale);
    return T.decimal(Math.min(MAX_DECIMAL_PRECISION, intDigits + scale), scale);
  }
  if (a.kind === 'decimal' && isIntegral(b)) return widenDecimalForInt(a, b);
  if (b.kind === 'decimal' && isIntegral(a)) return widenDecimalForInt(b, a);
  // float32 mixed with anything wider than int promotes to double, as in Spark.
  if ((a.kind === 'float32' || b.kind === 'float32') && Math.max(ra, rb) === 4) return T.float64;
  return ra >= rb ? a : b;
}

function widenDecimalForInt(d: Extract<DataType, { kind: 'decimal' }>, i: DataType): DataType {
  // Spark's DecimalType.forType: an int is decimal(10,0), a bigint decimal(20,0).
  const intDigits = i.kind === 'int32' ? 10 : 20;
  return T.decimal(Math.min(MAX_DECIMAL_PRECISION, Math.max(d.precision - d.scale, intDigits) + d.scale), d.scale);
}

/** The common type of values combined in one column (union, coalesce, case branches). */
export function commonType(a: DataType, b: DataType): DataType | undefined {
  if (sameType(a, b)) return a;
  if (a.kind === 'null') return b;
  if (b.kind === 'null') return a;
  const numeric = widerNumeric(a, b);
  if (numeric) return numeric;
  if ((a.kind === 'date' && b.kind === 'timestamp') || (a.kind === 'timestamp' && b.kind === 'date')) return T.timestamp;
  return undefined;
}
