/**
 * zod 4 schemas -> the canonical DatasetSchema. The mapping is the one table of DESIGN.md:
 * string->string, int32->int, int64->bigint, float64/number->double, boolean->boolean,
 * iso.date->date, iso.datetime->timestamp, enum->string (+ allowed values), decimal via
 * `decimal(p, s)`, object->struct, array->array, record->map, nullable/optional->nullable,
 * `.describe()`->comment.
 */
import { z } from 'zod';
import { EtlError } from '../errors/index.ts';
import { MAX_DECIMAL_PRECISION, T, field, schemaOf, type DataType, type DatasetSchema, type Field } from './types.ts';

/** A zod schema that does not map to a table schema; the analyzer names the job file it is used in. */
export class SchemaDefinitionError extends EtlError {
  override readonly name: string = 'SchemaDefinitionError';
  readonly phase = 'load' as const;
}

const DECIMAL_META = 'etl.decimal';
const BINARY_META = 'etl.binary';
const LENIENT_META = 'etl.lenient';

/**
 * A binary column (Spark BINARY): bytes. In JSON lines and in test rows a value is base64 text,
 * as Spark's JSON reader and writer carry binary.
 */
export function binary() {
  return z.base64().meta({ [BINARY_META]: true });
}

/**
 * A decimal column with the given precision and scale. Values are read from JSON numbers or
 * strings ("12.50") exactly, without passing through a double.
 */
export function decimal(precision: number, scale: number) {
  if (!Number.isInteger(precision) || precision < 1 || precision > MAX_DECIMAL_PRECISION || !Number.isInteger(scale) || scale < 0 || scale > precision) {
    throw new SchemaDefinitionError(
      `decimal(${precision}, ${scale}) is not supported: precision must be 1..${MAX_DECIMAL_PRECISION} and scale 0..precision ` +
        `(Spark's and Athena's widest decimal has 38 digits)`,
    );
  }
  return z.union([z.string(), z.number()]).meta({ [DECIMAL_META]: { precision, scale } });
}

/**
 * An input field whose value may not fit: a value of the wrong type (or out of range, or not one
 * of an enum's values) is read as null and counted in the run summary, and the record is kept.
 * The field must be nullable, so that a null can stand in: `lenient(z.number().nullable())`.
 * Applies to JSON lines and CSV inputs, to columns and to fields of structs; a Parquet column of
 * the wrong type is an error of the whole file, which no value can fix.
 */
export function lenient<S extends z.ZodType>(schema: S): S {
  // meta() replaces the metadata of the copy it returns: keep the description and any other keys.
  return schema.meta({ ...(z.globalRegistry.get(schema) ?? {}), [LENIENT_META]: true }) as S;
}

export interface ZodFieldInfo {
  readonly type: DataType;
  readonly nullable: boolean;
  readonly comment?: string;
  readonly enumValues?: readonly string[];
  readonly lenient?: true;
}

type AnyZod = z.ZodType;

function defOf(s: AnyZod): { type: string; format?: string; [k: string]: unknown } {
  return (s as unknown as { _zod: { def: { type: string; format?: string } } })._zod.def;
}

/** Converts one zod type; `path` names the field in error messages. */
export function fromZodType(schema: AnyZod, path = 'value'): ZodFieldInfo {
  let s = schema;
  let nullable = false;
  let comment: string | undefined = s.description;
  let isLenient = false;
  // Unwrap modifiers that do not change the stored type.
  for (;;) {
    isLenient ||= (z.globalRegistry.get(s) as Record<string, unknown> | undefined)?.[LENIENT_META] === true;
    const d = defOf(s);
    if (d.type === 'nullable' || d.type === 'optional') {
      nullable = true;
      s = d.innerType as AnyZod;
    } else if (d.type === 'default' || d.type === 'prefault' || d.type === 'readonly' || d.type === 'catch' || d.type === 'nonoptional') {
      s = d.innerType as AnyZod;
    } else if (d.type === 'pipe') {
      s = d.in as AnyZod;
    } else {
      break;
    }
    comment ??= s.description;
  }
  const meta = z.globalRegistry.get(s) as Record<string, unknown> | undefined;
  const dec = meta?.[DECIMAL_META] as { precision: number; scale: number } | undefined;
  if (dec) return info(T.decimal(dec.precision, dec.scale));
  if (meta?.[BINARY_META]) return info(T.binary);
  const d = defOf(s);
  switch (d.type) {
    case 'string':
      if (d.format === 'date') return info(T.date);
      if (d.format === 'datetime') return info(T.timestamp);
      return info(T.string);
    case 'number':
      if (d.format === 'int32') return info(T.int32);
      if (d.format === 'safeint') return info(T.int64);
      if (d.format === 'float32') return info(T.float32);
      return info(T.float64);
    case 'bigint':
      return info(T.int64);
    case 'boolean':
      return info(T.boolean);
    case 'date':
      return info(T.timestamp);
    case 'enum': {
      const values = Object.values(d.entries as Record<string, string | number>);
      if (!values.every((v) => typeof v === 'string')) throw new SchemaDefinitionError(`${path}: enums of numbers are not supported; use z.int32() with a check`);
      return { ...info(T.string), enumValues: values as string[] };
    }
    case 'literal': {
      const values = d.values as unknown[];
      if (values.every((v) => typeof v === 'string')) return { ...info(T.string), enumValues: values as string[] };
      throw new SchemaDefinitionError(`${path}: only string literals are supported as column types`);
    }
    case 'object':
      return info({ kind: 'struct', fields: fromZodShape((s as z.ZodObject).shape, path).fields });
    case 'array': {
      const el = notLenient(fromZodType(d.element as AnyZod, `${path}[]`), `${path}[]`);
      return info({ kind: 'array', element: el.type, containsNull: el.nullable });
    }
    case 'record': {
      const k = fromZodType(d.keyType as AnyZod, `${path} key`);
      const v = notLenient(fromZodType(d.valueType as AnyZod, `${path} value`), `${path} value`);
      return info({ kind: 'map', key: k.type, value: v.type, valueContainsNull: v.nullable });
    }
    default:
      throw new SchemaDefinitionError(
        `${path}: zod type '${d.type}' has no column type. Use string, number/int32/int64/float64, boolean, ` +
          `iso.date, iso.datetime, enum, decimal(p, s), object, array or record.`,
      );
  }

  function info(type: DataType): ZodFieldInfo {
    if (isLenient && !nullable) {
      throw new SchemaDefinitionError(
        `field '${path}' is lenient(...) but not nullable: a value that does not fit its type becomes null`,
        `add .nullable() to the field's type, e.g. lenient(z.number().nullable())`,
      );
    }
    return { type, nullable, ...(comment === undefined ? {} : { comment }), ...(isLenient ? { lenient: true as const } : {}) };
  }
}

/**
 * Array elements and map values have no name to count nulls under, and a null element is not a
 * dropped record either: lenient belongs on the array or map field itself.
 */
function notLenient(info: ZodFieldInfo, path: string): ZodFieldInfo {
  if (info.lenient || holdsLenient(info.type)) {
    throw new SchemaDefinitionError(
      `field '${path}': lenient(...) applies to a column or a field of a struct column, not inside an array element or a map value`,
      `make the whole field lenient instead: lenient(z.array(...).nullable())`,
    );
  }
  return info;
}

function holdsLenient(type: DataType): boolean {
  if (type.kind === 'struct') return type.fields.some((f) => f.lenient || holdsLenient(f.type));
  if (type.kind === 'array') return holdsLenient(type.element);
  if (type.kind === 'map') return holdsLenient(type.value);
  return false;
}

function fromZodShape(shape: Record<string, AnyZod>, path?: string): DatasetSchema {
  const fields: Field[] = [];
  for (const [name, t] of Object.entries(shape)) {
    const f = fromZodType(t, path ? `${path}.${name}` : name);
    const extra: Partial<Field> = {};
    if (f.comment !== undefined) (extra as { comment?: string }).comment = f.comment;
    if (f.enumValues !== undefined) (extra as { enumValues?: readonly string[] }).enumValues = f.enumValues;
    if (f.lenient) (extra as { lenient?: true }).lenient = true;
    fields.push(field(name, f.type, f.nullable, extra));
  }
  return schemaOf(fields);
}

/** A dataset schema from a zod object schema. */
export function fromZod(schema: z.ZodObject): DatasetSchema {
  if (defOf(schema).type !== 'object') throw new SchemaDefinitionError('a dataset schema must be a z.object({...})');
  return fromZodShape(schema.shape as Record<string, AnyZod>);
}
