/**
 * Functions over nested values: arrays, maps and structs (Spark 3.5, non-ANSI). Nested values are
 * plain JS values in storage form (framework/columnar/column.ts): an array is an array, a struct
 * an object by field name, a map an object by key (maps come from JSON objects and zod records, so
 * their keys are strings), and the leaves are stored as in a column of their type (booleans 0/1,
 * bigints, microseconds, days).
 */
import { allocData, makeColumn, type Column, type ColumnData } from '../columnar/column.ts';
import { didYouMean, SparkArithmeticError } from '../errors/index.ts';
import { T, commonType, field, isIntegral, isOrderable, typeToString, type DataType, type Field } from '../schema/types.ts';
import { castColumn } from './cast.ts';
import { comparatorFor } from './compare.ts';
import { isValidAt, literalArg, mapNary, mapUnary } from './kernel-util.ts';
import type { ArgInfo, ScalarFunction, TypeProblem } from './registry.ts';

type ArrayType = Extract<DataType, { kind: 'array' }>;
type MapType = Extract<DataType, { kind: 'map' }>;
type StructType = Extract<DataType, { kind: 'struct' }>;

export const arrayOf = (element: DataType, containsNull = true): ArrayType => Object.freeze({ kind: 'array', element, containsNull });
export const structOf = (fields: readonly Field[]): StructType => Object.freeze({ kind: 'struct', fields: Object.freeze([...fields]) });

/** Row i's value in storage form, or null. */
export const storageAt = (c: Column, i: number): unknown => (isValidAt(c, i) ? (c.data as ArrayLike<unknown>)[i] : null);

/**
 * A key that is equal for values Spark's array_distinct and array_contains find equal: NaN equals
 * NaN, but -0.0 and 0.0 stay apart (as Spark 3.5 keeps them apart in array_distinct).
 */
export function elementKey(v: unknown): unknown {
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : Object.is(v, -0) ? '-0' : v;
  if (typeof v === 'object' && v !== null) return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : typeof x === 'number' && !Number.isFinite(x) ? String(x) : x));
  return v;
}

// ---------------------------------------------------------------- argument rules

function arrayArg(a: ArgInfo, what = 'the first argument'): ArrayType | TypeProblem {
  return a.type.kind === 'array' ? a.type : { problem: `${what} must be an array, got ${typeToString(a.type)}` };
}

/** Maps come from JSON objects and zod records: their keys are strings, which is what the kernels rely on. */
function mapArg(a: ArgInfo): MapType | TypeProblem {
  if (a.type.kind !== 'map') return { problem: `the first argument must be a map, got ${typeToString(a.type)}` };
  return a.type.key.kind === 'string' ? a.type : { problem: `maps with ${typeToString(a.type.key)} keys are not supported (only string keys, as JSON objects and zod records give)` };
}

const isProblem = (x: DataType | TypeProblem): x is TypeProblem => 'problem' in x;

function intIndex(a: ArgInfo, what: string): TypeProblem | null {
  return a.type.kind === 'int32' || a.type.kind === 'null' ? null : { problem: `${what} must be an int, got ${typeToString(a.type)}${isIntegral(a.type) ? ' (cast it to int)' : ''}` };
}

/** The map key argument as a string column (maps have string keys). */
function keyRule(key: ArgInfo): TypeProblem | null {
  return key.type.kind === 'string' || key.type.kind === 'null' ? null : { problem: `the key must be a string, got ${typeToString(key.type)}` };
}

/** A lookup's result type: a map's value type (by a string key), or an array's element type (by an index `indexRule` accepts). */
function lookupType(container: ArgInfo, key: ArgInfo, indexRule: () => TypeProblem | null): DataType | TypeProblem {
  if (container.type.kind === 'map') {
    const m = mapArg(container);
    return isProblem(m) ? m : (keyRule(key) ?? m.value);
  }
  const arr = arrayArg(container, 'the first argument (an array or a map)');
  return isProblem(arr) ? arr : (indexRule() ?? arr.element);
}

// ---------------------------------------------------------------- kernels

/** Element `index` (0-based; negative or past the end: null) of each array, or the value at each key of a map. */
function lookup(container: Column, key: Column, n: number, result: DataType, at: (items: unknown[], index: number) => number | 'zero'): Column {
  if (container.type.kind === 'map') {
    const keys = castColumn(key, T.string);
    return mapNary([container, keys], result, n, (i) => {
      const m = (container.data as Record<string, unknown>[])[i];
      const k = (keys.data as string[])[i];
      return Object.hasOwn(m, k) ? m[k] : null;
    });
  }
  return mapNary([container, key], result, n, (i) => {
    const items = (container.data as unknown[][])[i];
    const j = at(items, (key.data as Int32Array)[i]);
    if (j === 'zero') throw new SparkArithmeticError('element_at: the index is 0; Spark fails the job (INVALID_INDEX_OF_ZERO: elements are numbered from 1, or from -1 at the end)');
    return j >= 0 && j < items.length ? items[j] : null;
  });
}

/** The elements without repeats (by elementKey), in first-seen order. */
export function distinctElements(items: readonly unknown[]): unknown[] {
  const seen = new Set<unknown>();
  return items.filter((v) => {
    const k = elementKey(v);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Spark's sort_array: ascending puts nulls first, descending last; NaN is the largest double. */
function sortArray(items: readonly unknown[], element: DataType, ascending: boolean): unknown[] {
  const compare = comparatorFor(element.kind) as (a: unknown, b: unknown) => number;
  const values = items.filter((v) => v !== null).sort(compare);
  const nulls = items.filter((v) => v === null);
  return ascending ? [...nulls, ...values] : [...values.reverse(), ...nulls];
}

/** One column of per-row values built from each row's argument values (array(...), named_struct(...)). */
function build(args: readonly Column[], n: number, type: DataType, make: (values: unknown[]) => unknown): Column {
  const data = allocData(type, n) as unknown[];
  for (let i = 0; i < n; i++) data[i] = make(args.map((a) => storageAt(a, i)));
  return makeColumn(type, data as ColumnData, null);
}

/** The fields named_struct builds: names are the literal string arguments at even positions. */
function namedStructType(args: readonly ArgInfo[]): StructType | TypeProblem {
  if (args.length % 2 !== 0) return { problem: 'takes name, value pairs: the last name has no value' };
  const fields: Field[] = [];
  for (let k = 0; k < args.length; k += 2) {
    const name = args[k].literal?.value;
    if (typeof name !== 'string') return { problem: `argument ${k + 1} must be a literal string: the field's name` };
    if (fields.some((f) => f.name.toLowerCase() === name.toLowerCase())) return { problem: `the field name '${name}' is given twice` };
    fields.push(field(name, args[k + 1].type));
  }
  return structOf(fields);
}

/** The struct field a get_field call reads, or a problem naming the struct's fields. */
export function structField(struct: DataType, name: string): Field | TypeProblem {
  if (struct.kind !== 'struct') return { problem: `field '${name}' of a value of type ${typeToString(struct)}: only structs have fields` };
  // Spark resolves field names ignoring case, as it does column names.
  const f = struct.fields.find((x) => x.name === name) ?? struct.fields.find((x) => x.name.toLowerCase() === name.toLowerCase());
  if (f) return f;
  const names = struct.fields.map((x) => x.name);
  const hint = didYouMean(name, names);
  return { problem: `no field '${name}' in ${typeToString(struct)}${hint ? `: ${hint}` : ''} (its fields: ${names.join(', ')})` };
}

const quoteSparkName = (name: string) => `\`${name.replace(/`/g, '``')}\``;

export const nested: ScalarFunction[] = [
  {
    name: 'size',
    description: 'size(x): the number of elements of an array or entries of a map; -1 for null (Spark 3.5 non-ANSI)',
    arity: [1, 1],
    resolve: ([a]) => (a.type.kind === 'array' || a.type.kind === 'map' ? T.int32 : { problem: `needs an array or a map, got ${typeToString(a.type)}` }),
    kernel: ([a], n) => {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const v = storageAt(a, i);
        out[i] = v === null ? -1 : Array.isArray(v) ? v.length : Object.keys(v as object).length;
      }
      return makeColumn(T.int32, out, null);
    },
    sql: (a) => `size(${a[0]})`,
    dialects: { duckdb: (a, t) => `coalesce(CAST(${t[0].type.kind === 'map' ? 'cardinality' : 'len'}(${a[0]}) AS INTEGER), -1)` },
  },
  {
    name: 'element_at',
    description: 'element_at(array, n): the n-th element (from 1; negative counts from the end; null out of range); element_at(map, key): the value at key or null',
    arity: [2, 2],
    resolve: ([a, k]) =>
      lookupType(a, k, () =>
        k.literal?.value === 0 ? { problem: 'the index must not be 0: elements are numbered from 1, or from -1 at the end (Spark fails the job)' } : intIndex(k, 'the index'),
      ),
    kernel: ([a, k], n, t) => lookup(a, k, n, t, (items, index) => (index === 0 ? 'zero' : index > 0 ? index - 1 : items.length + index)),
    sql: (a) => `element_at(${a[0]}, ${a[1]})`,
    dialects: { duckdb: (a, t) => (t[0].type.kind === 'map' ? `${a[0]}[${a[1]}]` : `list_extract(${a[0]}, ${a[1]})`) },
  },
  {
    name: 'get_item',
    description: 'get_item(array, i): the element at 0-based i (null out of range or negative); get_item(map, key): the value at key or null (Spark SQL x[i])',
    arity: [2, 2],
    resolve: ([a, k]) => lookupType(a, k, () => intIndex(k, 'the index')),
    kernel: ([a, k], n, t) => lookup(a, k, n, t, (_items, index) => index),
    sql: (a) => `${a[0]}[${a[1]}]`,
    dialects: { duckdb: (a, t) => (t[0].type.kind === 'map' ? `${a[0]}[${a[1]}]` : `(CASE WHEN ${a[1]} >= 0 THEN list_extract(${a[0]}, ${a[1]} + 1) END)`) },
  },
  {
    name: 'array_contains',
    description: 'array_contains(array, value): whether the array holds the value; null when it does not but holds a null',
    arity: [2, 2],
    resolve: ([a, v]) => {
      const arr = arrayArg(a);
      if (isProblem(arr)) return arr;
      const common = commonType(arr.element, v.type);
      return common && typeToString(common) === typeToString(arr.element) ? T.boolean : { problem: `the value (${typeToString(v.type)}) must be of the array's element type ${typeToString(arr.element)}: cast it` };
    },
    kernel: ([a, v], n) => {
      const value = castColumn(v, (a.type as ArrayType).element);
      return mapNary([a, value], T.boolean, n, (i) => {
        const items = (a.data as unknown[][])[i];
        const want = elementKey((value.data as ArrayLike<unknown>)[i]);
        if (items.some((x) => x !== null && elementKey(x) === want)) return 1;
        return items.includes(null) ? null : 0;
      });
    },
    sql: (a) => `array_contains(${a[0]}, ${a[1]})`,
    dialects: {
      duckdb: (a) => `(CASE WHEN ${a[0]} IS NULL OR ${a[1]} IS NULL THEN NULL WHEN list_contains(${a[0]}, ${a[1]}) THEN TRUE WHEN list_contains(${a[0]}, NULL) OR len(list_filter(${a[0]}, x -> x IS NULL)) > 0 THEN NULL ELSE FALSE END)`,
    },
  },
  {
    name: 'array_distinct',
    description: 'array_distinct(array): the elements without repeats, in first-seen order (one null kept; NaN equals NaN)',
    arity: [1, 1],
    resolve: ([a]) => arrayArg(a),
    kernel: ([a], n, t) => mapUnary<unknown[], unknown[]>(a, t, n, distinctElements),
    sql: (a) => `array_distinct(${a[0]})`,
  },
  {
    name: 'sort_array',
    description: 'sort_array(array, ascending = true): the elements sorted, nulls first when ascending and last when descending',
    arity: [1, 2],
    resolve: ([a, asc]) => {
      const arr = arrayArg(a);
      if (isProblem(arr)) return arr;
      if (!isOrderable(arr.element)) return { problem: `cannot sort elements of type ${typeToString(arr.element)}` };
      if (asc && (asc.type.kind !== 'boolean' || asc.literal === undefined || asc.literal.value === null)) return { problem: 'the sort direction must be a literal boolean (true: ascending)' };
      return arr;
    },
    kernel: ([a, asc], n, t) => {
      const ascending = asc ? literalArg<number>(asc) === 1 : true;
      return mapUnary<unknown[], unknown[]>(a, t, n, (items) => sortArray(items, (t as ArrayType).element, ascending));
    },
    sql: (a) => `sort_array(${a[0]}${a[1] ? `, ${a[1]}` : ''})`,
    dialects: { duckdb: (a) => (a[1] === undefined || a[1] === 'TRUE' ? `list_sort(${a[0]}, 'ASC', 'NULLS FIRST')` : `list_sort(${a[0]}, 'DESC', 'NULLS LAST')`) },
  },
  {
    name: 'flatten',
    description: 'flatten(array of arrays): their elements in one array; null when any inner array is null',
    arity: [1, 1],
    resolve: ([a]) => {
      const arr = arrayArg(a);
      if (isProblem(arr)) return arr;
      return arr.element.kind === 'array' ? arr.element : { problem: `needs an array of arrays, got ${typeToString(arr)}` };
    },
    kernel: ([a], n, t) => mapUnary<(unknown[] | null)[], unknown[]>(a, t, n, (inner) => (inner.includes(null) ? null : (inner as unknown[][]).flat())),
    sql: (a) => `flatten(${a[0]})`,
    dialects: { duckdb: (a) => `(CASE WHEN len(list_filter(${a[0]}, x -> x IS NULL)) > 0 THEN NULL ELSE flatten(${a[0]}) END)` },
  },
  {
    name: 'map_keys',
    description: "map_keys(map): the map's keys, in the map's order",
    arity: [1, 1],
    resolve: ([a]) => {
      const m = mapArg(a);
      return isProblem(m) ? m : arrayOf(m.key, false);
    },
    kernel: ([a], n, t) => mapUnary<Record<string, unknown>, unknown[]>(a, t, n, (m) => Object.keys(m)),
    sql: (a) => `map_keys(${a[0]})`,
  },
  {
    name: 'map_values',
    description: "map_values(map): the map's values, in the map's order",
    arity: [1, 1],
    resolve: ([a]) => {
      const m = mapArg(a);
      return isProblem(m) ? m : arrayOf(m.value, m.valueContainsNull);
    },
    kernel: ([a], n, t) => mapUnary<Record<string, unknown>, unknown[]>(a, t, n, (m) => Object.values(m)),
    sql: (a) => `map_values(${a[0]})`,
  },
  {
    name: 'array',
    description: 'array(x, ...): an array of the arguments (of their common type)',
    arity: [0, Infinity],
    resolve: (args) => {
      let element: DataType = T.null;
      for (const a of args) {
        const common = commonType(element, a.type);
        if (!common) return { problem: `the elements have no common type: ${typeToString(element)} and ${typeToString(a.type)}` };
        element = common;
      }
      return arrayOf(element);
    },
    kernel: (args, n, t) => build(args.map((a) => castColumn(a, (t as ArrayType).element)), n, t, (values) => values),
    sql: (a) => `array(${a.join(', ')})`,
    dialects: { duckdb: (a) => `list_value(${a.join(', ')})` },
  },
  {
    name: 'named_struct',
    description: "named_struct('name', value, ...): a struct of the named values",
    arity: [2, Infinity],
    resolve: namedStructType,
    kernel: (args, n, t) => {
      const fields = (t as StructType).fields;
      return build(args.filter((_a, k) => k % 2 === 1), n, t, (values) => Object.fromEntries(fields.map((f, k) => [f.name, values[k]])));
    },
    sql: (a) => `named_struct(${a.join(', ')})`,
    dialects: { duckdb: (a, t) => `struct_pack(${t.flatMap((x, k) => (k % 2 === 0 ? [`"${String(x.literal!.value).replace(/"/g, '""')}" := ${a[k + 1]}`] : [])).join(', ')})` },
  },
  {
    name: 'get_field',
    description: "get_field(struct, 'name'): the struct's field (null when the struct is null); col('s.name') and col('s').getField('name') build it",
    arity: [2, 2],
    resolve: ([s, name]) => {
      if (typeof name.literal?.value !== 'string') return { problem: "the field's name must be a literal string" };
      const f = structField(s.type, name.literal.value);
      return 'problem' in f ? f : f.type;
    },
    kernel: ([s, name], n, t) => {
      const f = structField(s.type, literalArg<string>(name)!) as Field;
      return mapUnary<Record<string, unknown>, unknown>(s, t, n, (row) => row[f.name] ?? null);
    },
    sql: (a, t) => `(${a[0]}).${quoteSparkName((structField(t[0].type, t[1].literal!.value as string) as Field).name)}`,
    dialects: { duckdb: (a, t) => `struct_extract(${a[0]}, '${(structField(t[0].type, t[1].literal!.value as string) as Field).name.replace(/'/g, "''")}')` },
  },
];
