/**
 * Function semantics as data: the case files of framework/functions/cases/ (format in the
 * README.md there), parsed, evaluated through the registry exactly as the engine evaluates a
 * call, and rendered as SQL for the DuckDB and Spark runners. All three runners compare values
 * in one canonical form (`canonicalValue`), so "equal" means the same thing everywhere.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { ColumnBuilder, allocData, makeColumn, valueAt, type Column } from '../../framework/columnar/column.ts';
import { daysFromCivil, daysInMonth } from '../../framework/columnar/calendar.ts';
import { parseInterval } from '../../framework/columnar/interval.ts';
import { duckdbDialect, sparkDialect, type SqlDialect } from '../../framework/compile/sql/dialect.ts';
import { canCast, castColumn } from '../../framework/functions/cast.ts';
import { aggregateFunctions, scalarFunctions, windowFunctions } from '../../framework/functions/index.ts';
import { constantColumn } from '../../framework/functions/kernel-util.ts';
import { isTypeProblem, renderSql, type AggregateFunction, type ArgInfo, type ScalarFunction, type WindowFunction } from '../../framework/functions/registry.ts';
import type { LiteralValue } from '../../framework/plan/expr.ts';
import { MAX_DECIMAL_PRECISION, T, field, typeToString, type DataType } from '../../framework/schema/types.ts';
import { ROOT } from '../run/helpers.ts';
import { canonicalValue, type Canonical } from './canonical.ts';

export { canonicalValue, type Canonical };

export const CASES_DIR = path.join(ROOT, 'framework/functions/cases');

// ---------------------------------------------------------------- the format

/** Where a line came from, for messages: `plus.cases:12`. */
export type Where = string;

export interface ArgSpec {
  readonly type: DataType;
  /** The argument must be a literal: the type rule sees its value (ArgInfo.literal). */
  readonly literal: boolean;
}

export type Expected =
  | { readonly kind: 'value'; readonly value: unknown }
  | { readonly kind: 'refused'; readonly text: string }
  | { readonly kind: 'error'; readonly text: string };

export interface Case {
  readonly where: Where;
  /** The text of the line, for messages. */
  readonly text: string;
  /**
   * Scalar: one value per argument. Aggregate: the group's rows (each row the non-literal
   * arguments' values) then the literal arguments. Window: the partition's rows (each row
   * [order key, ...non-literal arguments]) then the literal arguments. Values are in storage form.
   */
  readonly args: readonly unknown[];
  readonly expected: Expected;
}

export interface Block {
  readonly where: Where;
  readonly args: readonly ArgSpec[];
  /** `args distinct ...` (aggregates): the call is fn(DISTINCT ...). */
  readonly distinct: boolean;
  readonly returns?: DataType;
  /** Why DuckDB cannot vouch for this block (it deliberately differs from Spark), if it cannot. */
  readonly duckdbDiffers?: string;
  readonly cases: readonly Case[];
}

export type RegistryFunction =
  | { readonly kind: 'scalar'; readonly fn: ScalarFunction }
  | { readonly kind: 'aggregate'; readonly fn: AggregateFunction }
  | { readonly kind: 'window'; readonly fn: WindowFunction };

export interface CaseFile {
  readonly file: string;
  readonly name: string;
  /** What the name names: undefined when it is no registry function (nor `cast`). */
  readonly kind: RegistryFunction['kind'] | undefined;
  readonly blocks: readonly Block[];
}

export class CaseFileError extends Error {}

/** The file name of a registry name: `+` is plus.cases, `<=>` null_safe_equal.cases. */
const SYMBOL_NAMES: Readonly<Record<string, string>> = {
  '+': 'plus', '-': 'minus', '*': 'times', '/': 'divide', '%': 'remainder',
  '=': 'equal', '!=': 'not_equal', '<': 'less', '<=': 'less_or_equal', '>': 'greater', '>=': 'greater_or_equal', '<=>': 'null_safe_equal',
};
export const caseFileName = (fnName: string): string => `${SYMBOL_NAMES[fnName] ?? fnName}.cases`;

/**
 * `cast` is no registry function but a pseudo-function for CAST(x AS type): each of its blocks
 * names the target type in its `returns` line, and runs as castColumn and the dialects' cast.
 */
export const CAST = 'cast';

function castFunction(to: DataType): ScalarFunction {
  return {
    name: CAST,
    description: 'CAST(x AS type), with Spark non-ANSI semantics',
    arity: [1, 1],
    resolve: ([x]) => (canCast(x.type, to) ? to : { problem: `cannot cast ${typeToString(x.type)} to ${typeToString(to)}` }),
    kernel: ([x]) => castColumn(x, to),
    sql: ([x], [info]) => sparkDialect.cast(x, info.type, to),
    dialects: { duckdb: ([x], [info]) => duckdbDialect.cast(x, info.type, to) },
  };
}

export function lookupFunction(name: string): RegistryFunction | undefined {
  const scalar = scalarFunctions.get(name);
  if (scalar) return { kind: 'scalar', fn: scalar };
  const aggregate = aggregateFunctions.get(name);
  if (aggregate) return { kind: 'aggregate', fn: aggregate };
  const window = windowFunctions.get(name);
  return window ? { kind: 'window', fn: window } : undefined;
}

const kindOf = (name: string): CaseFile['kind'] => (name === CAST ? 'scalar' : lookupFunction(name)?.kind);

export function allFunctionNames(): string[] {
  return [...scalarFunctions.names(), ...aggregateFunctions.names(), ...windowFunctions.names()];
}

export function readCaseFiles(dir = CASES_DIR): CaseFile[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.cases'))
    .sort()
    .map((f) => parseCaseFile(f, readFileSync(path.join(dir, f), 'utf8')));
}

/** Parses one file; the first problem throws a CaseFileError naming file:line. */
export function parseCaseFile(file: string, text: string): CaseFile {
  let name: string | undefined;
  let fileDuckdbDiffers: string | undefined;
  const blocks: Block[] = [];
  let block: { where: Where; args: ArgSpec[]; distinct: boolean; returns?: DataType; duckdbDiffers?: string; cases: Case[] } | undefined;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const where = `${file}:${i + 1}`;
    const line = stripComment(lines[i]).trim();
    if (line === '') continue;
    const fail = (message: string): never => {
      throw new CaseFileError(`${where}: ${message}\n  ${lines[i]}`);
    };
    const [keyword, rest] = splitKeyword(line);
    if (keyword === 'function') {
      if (name !== undefined) fail('a second `function` line: one function per file');
      if (!/^\S+$/.test(rest)) fail('`function` takes one registry name');
      name = rest;
    } else if (name === undefined) {
      fail('the file must start with `function <name>`');
    } else if (keyword === 'args') {
      if (block) blocks.push(block);
      const distinct = /^distinct\b/.test(rest);
      const list = distinct ? rest.slice('distinct'.length).trim() : rest;
      block = { where, args: list === '' ? [] : splitTopLevel(list).map((a) => parseArgSpec(a.trim(), fail)), distinct, duckdbDiffers: undefined, cases: [] };
    } else if (keyword === 'returns') {
      if (!block || block.cases.length) fail('`returns` belongs right after an `args` line');
      block!.returns = parseType(rest, fail);
    } else if (keyword === 'duckdb differs:') {
      if (!rest) fail('`duckdb differs:` needs a reason');
      if (block) block.duckdbDiffers = rest;
      else fileDuckdbDiffers = rest;
    } else {
      if (!block) fail('a case before any `args` line');
      block!.cases.push(parseCase(line, where, block!.args, kindOf(name!) ?? 'scalar', fail));
    }
  }
  if (name === undefined) throw new CaseFileError(`${file}:1: no \`function <name>\` line`);
  if (block) blocks.push(block);
  const empty = blocks.find((b) => b.cases.length === 0);
  if (empty) throw new CaseFileError(`${empty.where}: a signature block without cases`);
  const untyped = name === CAST ? blocks.find((b) => !b.returns) : undefined;
  if (untyped) throw new CaseFileError(`${untyped.where}: a cast block needs \`returns <type>\`: the type cast to`);
  return { file, name, kind: kindOf(name), blocks: blocks.map((b) => ({ ...b, duckdbDiffers: b.duckdbDiffers ?? fileDuckdbDiffers })) };
}

/** `#` starts a comment unless it is inside a JSON string. */
function stripComment(line: string): string {
  let inString = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (inString && c === '\\') i++;
    else if (c === '"') inString = !inString;
    else if (c === '#' && !inString) return line.slice(0, i);
  }
  return line;
}

function splitKeyword(line: string): [string, string] {
  if (line.startsWith('duckdb differs:')) return ['duckdb differs:', line.slice('duckdb differs:'.length).trim()];
  const m = /^(function|args|returns)(?:\s+(.*))?$/.exec(line);
  return m ? [m[1], (m[2] ?? '').trim()] : ['', line];
}

/** Splits on commas outside <>, (), [] and strings. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if ('<(['.includes(c)) depth++;
    else if ('>)]'.includes(c)) depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

function parseArgSpec(text: string, fail: (m: string) => never): ArgSpec {
  const literal = /^lit\s/.test(text);
  return { literal, type: parseType(literal ? text.slice(4).trim() : text, fail) };
}

const TYPE_NAMES: Readonly<Record<string, DataType>> = {
  string: T.string, binary: T.binary, boolean: T.boolean, int32: T.int32, int64: T.int64, float32: T.float32, float64: T.float64, date: T.date, timestamp: T.timestamp, interval: T.interval, null: T.null,
};

export function parseType(text: string, fail: (m: string) => never): DataType {
  const t = text.trim();
  if (TYPE_NAMES[t]) return TYPE_NAMES[t];
  const decimal = /^decimal\((\d+),\s*(\d+)\)$/.exec(t);
  if (decimal) {
    const [p, s] = [Number(decimal[1]), Number(decimal[2])];
    if (p < 1 || p > MAX_DECIMAL_PRECISION || s > p) fail(`no such decimal type: ${t}`);
    return T.decimal(p, s);
  }
  const array = /^array<(.*)>$/.exec(t);
  if (array) return { kind: 'array', element: parseType(array[1], fail), containsNull: true };
  const map = /^map<(.*)>$/.exec(t);
  if (map) {
    const parts = splitTopLevel(map[1]);
    if (parts.length !== 2) fail(`a map type is map<key type, value type>: ${t}`);
    return { kind: 'map', key: parseType(parts[0], fail), value: parseType(parts[1], fail), valueContainsNull: true };
  }
  const struct = /^struct<(.*)>$/.exec(t);
  if (struct) {
    const fields = splitTopLevel(struct[1]).map((f) => {
      const colon = f.indexOf(':');
      if (colon < 1) fail(`a struct field is name:type: ${f.trim()}`);
      return field(f.slice(0, colon).trim(), parseType(f.slice(colon + 1), fail));
    });
    return { kind: 'struct', fields };
  }
  return fail(`unknown type '${t}' (one of ${Object.keys(TYPE_NAMES).join(' ')} decimal(p,s) array<...> map<k,v> struct<name:type,...>)`);
}

function parseCase(line: string, where: Where, specs: readonly ArgSpec[], kind: RegistryFunction['kind'], fail: (m: string) => never): Case {
  const arrow = arrowIndex(line);
  if (arrow < 0) fail('a case needs `=>`');
  const left = line.slice(0, arrow).trim();
  const right = line.slice(arrow + 2).trim();
  let raw: unknown[];
  try {
    raw = JSON.parse(`[${left}]`) as unknown[];
  } catch (e) {
    return fail(`the arguments are not JSON: ${(e as Error).message}`);
  }
  const literals = specs.filter((s) => s.literal);
  const perRow = specs.filter((s) => !s.literal);
  let args: unknown[];
  if (kind === 'scalar') {
    if (raw.length !== specs.length) fail(`${raw.length} arguments where \`args\` declares ${specs.length}`);
    args = raw.map((v, k) => typedValue(v, specs[k].type, fail));
  } else {
    if (raw.length !== 1 + literals.length) fail(`expected the ${kind === 'window' ? 'partition' : 'group'}'s rows then ${literals.length} literal argument(s)`);
    if (!Array.isArray(raw[0])) fail(`the ${kind === 'window' ? 'partition' : 'group'}'s rows must be a JSON array`);
    const rows = (raw[0] as unknown[]).map((row) => {
      // A row is the argument's value when there is exactly one per-row value, else an array of them.
      const cells = kind === 'window' ? [T.int32, ...perRow.map((s) => s.type)] : perRow.map((s) => s.type);
      const values = cells.length === 1 && kind === 'aggregate' ? [row] : row;
      if (!Array.isArray(values) || values.length !== cells.length) return fail(`each row must be ${kind === 'window' ? '[order key, ...arguments]' : cells.length === 1 ? 'one value' : `an array of ${cells.length} values`}: ${JSON.stringify(row)}`);
      return values.map((v, k) => typedValue(v, cells[k], fail));
    });
    args = [rows, ...raw.slice(1).map((v, k) => typedValue(v, literals[k].type, fail))];
  }
  return { where, text: line, args, expected: parseExpected(right, kind === 'window', fail) };
}

/** The `=>` outside JSON strings. */
function arrowIndex(line: string): number {
  let inString = false;
  for (let i = 0; i < line.length - 1; i++) {
    const c = line[i];
    if (inString && c === '\\') i++;
    else if (c === '"') inString = !inString;
    else if (!inString && c === '=' && line[i + 1] === '>') return i;
  }
  return -1;
}

function parseExpected(right: string, perRow: boolean, fail: (m: string) => never): Expected {
  const m = /^(refused|error):\s*(.+)$/.exec(right);
  if (m) return { kind: m[1] as 'refused' | 'error', text: m[2] };
  try {
    const value = JSON.parse(right) as unknown;
    if (perRow && !Array.isArray(value)) fail('a window case expects an array: one result per row');
    // Typed later, by the resolved result type (or `returns`).
    return { kind: 'value', value };
  } catch (e) {
    return fail(`the expected value is not JSON (nor \`refused: ...\` / \`error: ...\`): ${(e as Error).message}`);
  }
}

// ---------------------------------------------------------------- typed values

const DOUBLE_WORDS: Readonly<Record<string, number>> = { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, '-Infinity': Number.NEGATIVE_INFINITY, '-0.0': -0 };

/**
 * A JSON value of a case file (or of a Spark or DuckDB result) as the engine stores a value of
 * `type`: int64, timestamp and decimals as bigint (timestamps in UTC microseconds, decimals
 * unscaled), dates as days since 1970-01-01, booleans as booleans, arrays as arrays, structs as
 * objects by field name, maps as objects by key (as the engine stores them: framework/columnar/column.ts).
 * `exact`: the value is in the form of test/support/canonical.ts `exactSql` (at any depth: dates
 * as days, timestamps and intervals as microseconds, as a number, bigint or digit text).
 */
export function typedValue(v: unknown, type: DataType, fail: (m: string) => never, exact = false): unknown {
  if (v === null) return null;
  if (exact && (type.kind === 'date' || type.kind === 'timestamp' || type.kind === 'interval')) {
    const n = typeof v === 'bigint' ? v : (typeof v === 'number' && Number.isSafeInteger(v)) || (typeof v === 'string' && /^-?\d+$/.test(v)) ? BigInt(v) : fail(`${String(v)} is not a whole number`);
    return type.kind === 'date' ? Number(n) : n;
  }
  const typed = (x: unknown, t: DataType) => typedValue(x, t, fail, exact);
  const wrong = (): never => fail(`${JSON.stringify(v)} is not a value of type ${typeToString(type)}`);
  switch (type.kind) {
    case 'null':
      return wrong();
    case 'string':
      return typeof v === 'string' ? v : wrong();
    case 'binary':
      // Hex digits, as Spark's hex() writes the bytes.
      return typeof v === 'string' && /^([0-9A-Fa-f]{2})*$/.test(v) ? Uint8Array.from(Buffer.from(v, 'hex')) : wrong();
    case 'boolean':
      return typeof v === 'boolean' ? v : wrong();
    case 'int32': {
      const x = typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v;
      return typeof x === 'number' && Number.isInteger(x) && x >= -(2 ** 31) && x < 2 ** 31 ? x : wrong();
    }
    case 'int64': {
      const x = typeof v === 'bigint' ? v : typeof v === 'number' && Number.isSafeInteger(v) ? BigInt(v) : typeof v === 'string' && /^-?\d+$/.test(v) ? BigInt(v) : wrong();
      return BigInt.asIntN(64, x) === x ? x : wrong();
    }
    case 'float32':
    case 'float64': {
      const x = typeof v === 'number' ? v : typeof v === 'string' && v in DOUBLE_WORDS ? DOUBLE_WORDS[v] : wrong();
      return type.kind === 'float32' ? Math.fround(x) : x;
    }
    case 'date':
      return typeof v === 'string' ? (parseIsoDate(v) ?? wrong()) : wrong();
    case 'timestamp':
      return typeof v === 'string' ? (parseIsoTimestamp(v) ?? wrong()) : wrong();
    case 'interval': {
      // The DSL's own text ("30 minutes", "-1 day 2 hours"), read by the DSL's parser.
      const micros = typeof v === 'string' ? parseInterval(v) : null;
      return typeof micros === 'bigint' ? micros : wrong();
    }
    case 'decimal': {
      const u = typeof v === 'string' || typeof v === 'number' ? exactUnscaled(String(v), type.scale) : null;
      return u !== null && (u < 0n ? -u : u) < 10n ** BigInt(type.precision) ? u : wrong();
    }
    case 'array':
      return Array.isArray(v) ? v.map((x) => typed(x, type.element)) : wrong();
    case 'struct': {
      // A JSON object by field name (case files), or the values in field order (Spark's Row).
      if (typeof v !== 'object' || (Array.isArray(v) && v.length !== type.fields.length)) return wrong();
      const at = (k: number, name: string) => (Array.isArray(v) ? v[k] : (v as Record<string, unknown>)[name]) ?? null;
      return Object.fromEntries(type.fields.map((f, k) => [f.name, typed(at(k, f.name), f.type)]));
    }
    case 'map': {
      // A JSON object (case files; string keys only), or [key, value] pairs (Spark's dict).
      if (typeof v !== 'object') return wrong();
      const pairs = Array.isArray(v) ? (v as [unknown, unknown][]) : Object.entries(v as Record<string, unknown>);
      return Object.fromEntries(pairs.map(([k, x]) => [String(typed(k, type.key)), typed(x, type.value)]));
    }
    default:
      return wrong();
  }
}

function parseIsoDate(s: string): number | null {
  const m = /^(-?\d{4,})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo) ? daysFromCivil(y, mo, d) : null;
}

function parseIsoTimestamp(s: string): bigint | null {
  const m = /^(-?\d{4,}-\d{2}-\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?Z$/.exec(s);
  const day = m ? parseIsoDate(m[1]) : null;
  if (!m || day === null) return null;
  const [h, mi, se] = [Number(m[2]), Number(m[3]), Number(m[4])];
  if (h > 23 || mi > 59 || se > 59) return null;
  return (BigInt(day) * 86_400n + BigInt(h * 3600 + mi * 60 + se)) * 1_000_000n + BigInt((m[5] ?? '').padEnd(6, '0'));
}

/** Decimal text as an unscaled value at `scale`, or null when it has more fraction digits (no rounding here). */
function exactUnscaled(text: string, scale: number): bigint | null {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) return null;
  const fraction = (m[3] ?? '').replace(/0+$/, '');
  if (fraction.length > scale) return null;
  const u = BigInt(m[2] + fraction.padEnd(scale, '0'));
  return m[1] ? -u : u;
}

// ---------------------------------------------------------------- the canonical form

export const show = (c: Canonical): string => JSON.stringify(c);

// ---------------------------------------------------------------- local evaluation

/** A block's cases that share their literal arguments: one call, one batch. */
export interface CallGroup {
  /** The function the block calls (for `cast`, the cast to the block's `returns` type). */
  readonly fn: RegistryFunction;
  readonly block: Block;
  readonly cases: readonly Case[];
  readonly argInfo: readonly ArgInfo[];
  /** The resolved result type, or the type rule's refusal. */
  readonly resolved: DataType | { readonly problem: string };
}

/** The literal arguments' values of a case (scalar: at their positions; others: after the rows). */
function literalValues(block: Block, c: Case, kind: RegistryFunction['kind']): unknown[] {
  if (kind === 'scalar') return block.args.flatMap((s, k) => (s.literal ? [c.args[k]] : []));
  return c.args.slice(1);
}

export function callGroups(file: CaseFile): CallGroup[] {
  const groups: CallGroup[] = [];
  for (const block of file.blocks) {
    const fn: RegistryFunction = file.name === CAST ? { kind: 'scalar', fn: castFunction(block.returns!) } : lookupFunction(file.name)!;
    const byLiterals = new Map<string, Case[]>();
    for (const c of block.cases) {
      const key = JSON.stringify(literalValues(block, c, fn.kind), (_k, x) => (typeof x === 'bigint' ? `${x}n` : Object.is(x, -0) ? '-0' : x));
      byLiterals.set(key, [...(byLiterals.get(key) ?? []), c]);
    }
    for (const cases of byLiterals.values()) {
      const literals = literalValues(block, cases[0], fn.kind);
      let next = 0;
      const argInfo: ArgInfo[] = block.args.map((s) => (s.literal ? { type: s.type, literal: { value: literals[next++] as LiteralValue } } : { type: s.type }));
      groups.push({ fn, block, cases, argInfo, resolved: fn.fn.resolve(argInfo) });
    }
  }
  return groups;
}

export type Outcome = { readonly kind: 'value'; readonly value: Canonical } | { readonly kind: 'refused' | 'error'; readonly text: string };

function columnOf(type: DataType, values: readonly unknown[]): Column {
  const b = new ColumnBuilder(type, Math.max(1, values.length));
  for (const v of values) {
    if (v === null) b.pushNull();
    else b.push(storageForm(v));
  }
  return b.finish();
}

/** A typed value in the engine's storage form: booleans as 0/1, at any depth. */
function storageForm(v: unknown): unknown {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (Array.isArray(v)) return v.map(storageForm);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, storageForm(x)]));
  return v;
}

/** The outcome of each case of the group, evaluated as the engine evaluates the call. */
export function evaluateLocally(group: CallGroup): Outcome[] {
  const { fn, resolved, argInfo, cases, block } = group;
  if (isTypeProblem(resolved)) return cases.map(() => ({ kind: 'refused', text: resolved.problem }));
  try {
    return evaluate(fn, block, cases, argInfo, resolved);
  } catch (e) {
    return cases.map(() => ({ kind: 'error', text: (e as Error).message }));
  }
}

function evaluate(fn: RegistryFunction, block: Block, cases: readonly Case[], argInfo: readonly ArgInfo[], type: DataType): Outcome[] {
  const value = (v: unknown, t = type): Outcome => ({ kind: 'value', value: canonicalValue(v, t) });
  const literalColumn = (k: number, n: number) => constantColumn(argInfo[k].type, argInfo[k].literal!.value, n);
  if (fn.kind === 'scalar') {
    const n = cases.length;
    const args = block.args.map((s, k) => (s.literal ? literalColumn(k, n) : columnOf(s.type, cases.map((c) => c.args[k]))));
    const out = fn.fn.kernel(args, n, type, argInfo);
    return cases.map((_c, i) => value(valueAt(out, i)));
  }
  const rowsOf = (c: Case) => c.args[0] as unknown[][];
  const allRows = cases.flatMap(rowsOf);
  const n = allRows.length;
  // Non-literal arguments as columns of every row of the block; literals as constant columns.
  const offset = fn.kind === 'window' ? 1 : 0;
  let next = 0;
  const args = block.args.map((s, k) => {
    if (s.literal) return literalColumn(k, n);
    const cell = offset + next++;
    return columnOf(s.type, allRows.map((r) => r[cell]));
  });
  if (fn.kind === 'aggregate') {
    const groupIds = Int32Array.from(cases.flatMap((c, g) => rowsOf(c).map(() => g)));
    const acc = fn.fn.accumulator(argInfo, type, block.distinct);
    acc.update(groupIds, cases.length, args, n);
    const out = acc.finish(cases.length);
    return cases.map((_c, g) => value(valueAt(out, g)));
  }
  // Window: each case is a partition, ordered by its key (nulls first), peers share a key.
  const out = { data: allocData(type, n), valid: new Uint8Array(n) };
  const order = new Int32Array(n);
  const peerGroupStart = new Int32Array(n);
  const keys = allRows.map((r) => r[0] as number | null);
  let start = 0;
  for (const c of cases) {
    const rows = rowsOf(c).map((_r, i) => start + i);
    rows.sort((a, b) => (keys[a] ?? -Infinity) - (keys[b] ?? -Infinity) || a - b);
    rows.forEach((row, k) => {
      order[start + k] = row;
      peerGroupStart[start + k] = k > 0 && keys[row] === keys[rows[k - 1]] ? peerGroupStart[start + k - 1] : start + k;
    });
    fn.fn.evaluate({ args, argInfo, order, start, end: start + rows.length, peerGroupStart, out });
    start += rows.length;
  }
  const column = makeColumn(type, out.data, out.valid);
  let row = 0;
  return cases.map((c) => ({ kind: 'value', value: rowsOf(c).map(() => canonicalValue(valueAt(column, row++), type)) }));
}

/** What the case expects, in canonical form (values typed by the resolved result type; windows: one per row). */
export function expectedOutcome(c: Case, type: DataType, kind: RegistryFunction['kind']): Outcome {
  if (c.expected.kind !== 'value') return c.expected;
  const fail = (m: string): never => {
    throw new CaseFileError(`${c.where}: ${m}\n  ${c.text}`);
  };
  const raw = c.expected.value;
  if (kind === 'window') return { kind: 'value', value: (raw as unknown[]).map((v) => canonicalValue(typedValue(v, type, fail), type)) };
  return { kind: 'value', value: canonicalValue(typedValue(raw, type, fail), type) };
}

/** Null when the outcome is what the case expects, else the complaint (naming file:line). */
export function mismatch(c: Case, expected: Outcome, actual: Outcome, who: string): string | null {
  if (expected.kind === 'value' && actual.kind === 'value' && show(expected.value) === show(actual.value)) return null;
  if (expected.kind !== 'value' && expected.kind === actual.kind && actual.text.includes(expected.text)) return null;
  const describe = (o: Outcome) => (o.kind === 'value' ? show(o.value) : `${o.kind}: ${o.text}`);
  return `${c.where}: ${c.text}\n    expected ${describe(expected)}\n    ${who} gave ${describe(actual)}`;
}

// ---------------------------------------------------------------- SQL for DuckDB and Spark

export interface SqlCall {
  /** The table `t` the call reads: column names and types, and its rows as SQL literals. */
  readonly columns: readonly { readonly name: string; readonly type: DataType }[];
  readonly rows: readonly (readonly string[])[];
  /** SELECT id, <result> FROM t ...: `result` wraps the call's SQL into what the runner reads back. */
  readonly select: (result: (call: string) => string) => string;
  /** The case (and, for windows, the row within it) that each id answers. */
  readonly ids: readonly { readonly caseIndex: number; readonly row?: number }[];
}

/** A value as a SQL literal of its type (arrays, structs and maps built from their elements' literals). */
export function sqlLiteral(dialect: SqlDialect, v: unknown, type: DataType): string {
  if (type.kind !== 'array' && type.kind !== 'struct' && type.kind !== 'map') return dialect.literal(v as LiteralValue, type);
  if (v === null) return `CAST(NULL AS ${dialect.typeName(type)})`;
  const spark = dialect.name === 'spark';
  let built: string;
  if (type.kind === 'array') {
    const items = (v as unknown[]).map((x) => sqlLiteral(dialect, x, type.element));
    built = spark ? `array(${items.join(', ')})` : `[${items.join(', ')}]`;
  } else if (type.kind === 'struct') {
    const row = v as Record<string, unknown>;
    const fields = type.fields.map((f) => [dialect.stringLiteral(f.name), sqlLiteral(dialect, row[f.name], f.type)]);
    built = spark ? `named_struct(${fields.flat().join(', ')})` : `{${fields.map(([k, x]) => `${k}: ${x}`).join(', ')}}`;
  } else {
    const entries = Object.entries(v as Record<string, unknown>).map(([k, x]) => [sqlLiteral(dialect, k, type.key), sqlLiteral(dialect, x, type.value)]);
    built = spark ? `map(${entries.flat().join(', ')})` : `MAP {${entries.map(([k, x]) => `${k}: ${x}`).join(', ')}}`;
  }
  return `CAST(${built} AS ${dialect.typeName(type)})`;
}

/** The call group as a query over a table of its values, rendered by the function's own renderer. */
export function sqlCall(group: CallGroup, dialect: SqlDialect): SqlCall {
  const { fn, block, cases, argInfo } = group;
  const type = group.resolved as DataType;
  const q = (name: string) => dialect.quoteIdentifier(name);
  const argColumns = block.args.flatMap((s, k) => (s.literal ? [] : [{ name: `a${k}`, type: s.type }]));
  const argSql = block.args.map((s, k) => (s.literal ? sqlLiteral(dialect, argInfo[k].literal!.value, s.type) : q(`a${k}`)));
  const render = (args: readonly string[]) => renderSql(fn.fn, dialect.name)(args, argInfo, type);
  const literalRow = (id: number, values: readonly unknown[], extra: readonly string[] = []) => [String(id), ...extra, ...values.map((v, k) => sqlLiteral(dialect, v, argColumns[k].type))];
  if (fn.kind === 'scalar') {
    return {
      columns: [{ name: 'id', type: T.int32 }, ...argColumns],
      rows: cases.map((c, i) => literalRow(i, block.args.flatMap((s, k) => (s.literal ? [] : [c.args[k]])))),
      select: (result) => `SELECT ${q('id')}, ${result(render(argSql))} FROM t`,
      ids: cases.map((_c, i) => ({ caseIndex: i })),
    };
  }
  const rowsOf = (c: Case) => c.args[0] as unknown[][];
  if (fn.kind === 'aggregate') {
    const args = block.distinct ? [`DISTINCT ${argSql.join(', ')}`] : argSql;
    // One global aggregate per group (filtered), so an empty group is a group too.
    const perGroup = cases.map((_c, g) => `SELECT ${g} AS ${q('id')}, ${'$RESULT'} FROM t WHERE ${q('g')} = ${g}`);
    return {
      columns: [{ name: 'g', type: T.int32 }, ...argColumns],
      rows: cases.flatMap((c, g) => rowsOf(c).map((r) => literalRow(g, r))),
      select: (result) => perGroup.map((s) => s.replace('$RESULT', () => result(render(args)))).join(' UNION ALL '),
      ids: cases.map((_c, i) => ({ caseIndex: i })),
    };
  }
  const ids = cases.flatMap((c, i) => rowsOf(c).map((_r, row) => ({ caseIndex: i, row })));
  let id = 0;
  return {
    columns: [{ name: 'id', type: T.int32 }, { name: 'p', type: T.int32 }, { name: 'k', type: T.int32 }, ...argColumns],
    rows: cases.flatMap((c, p) => rowsOf(c).map((r) => [String(id++), String(p), sqlLiteral(dialect, r[0], T.int32), ...r.slice(1).map((v, k) => sqlLiteral(dialect, v, argColumns[k].type))])),
    select: (result) => `SELECT ${q('id')}, ${result(`${render(argSql)} OVER (PARTITION BY ${q('p')} ORDER BY ${q('k')} ASC NULLS FIRST)`)} FROM t`,
    ids,
  };
}

/** Collects a runner's per-id results into one outcome per case (windows: an array per partition). */
export function outcomesFromRows(call: SqlCall, group: CallGroup, values: ReadonlyMap<number, Canonical>): Outcome[] {
  const perCase: Canonical[][] = group.cases.map(() => []);
  const missing = new Set<number>();
  call.ids.forEach((at, id) => {
    // A row the engine did not return is no null: it fails the case.
    if (!values.has(id)) missing.add(at.caseIndex);
    const v = values.get(id) ?? null;
    if (at.row === undefined) perCase[at.caseIndex][0] = v;
    else perCase[at.caseIndex][at.row] = v;
  });
  const windowed = call.ids.some((at) => at.row !== undefined);
  return group.cases.map((_c, i): Outcome => (missing.has(i) ? { kind: 'error', text: 'no result row' } : { kind: 'value', value: windowed ? perCase[i] : perCase[i][0] }));
}

/** A value as the DuckDB client returns it (from `duckdbExactSql`), in the canonical form. */
export function canonicalFromDuckdb(v: unknown, type: DataType): Canonical {
  const fail = (m: string): never => {
    throw new Error(`DuckDB's value: ${m}`);
  };
  if (v === null) return null;
  switch (type.kind) {
    case 'int32':
    case 'date':
      return canonicalValue(Number(v), type);
    case 'int64':
    case 'timestamp':
    case 'interval':
      return canonicalValue(BigInt(v as bigint), type);
    case 'decimal':
    case 'binary':
      return canonicalValue(typedValue(String(v), type, fail), type);
    case 'array':
    case 'struct':
    case 'map':
      return canonicalValue(typedValue(duckdbPlain(v), type, fail, true), type);
    default:
      return canonicalValue(v, type);
  }
}

/** DuckDB's nested values as plain ones: lists as arrays, structs as objects, maps as [key, value] pairs. */
function duckdbPlain(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if ('items' in v) return (v as { items: unknown[] }).items.map(duckdbPlain);
  if ('entries' in v) {
    const entries = (v as { entries: unknown }).entries;
    if (Array.isArray(entries)) return (entries as { key: unknown; value: unknown }[]).map((e) => [duckdbPlain(e.key), duckdbPlain(e.value)]);
    return Object.fromEntries(Object.entries(entries as Record<string, unknown>).map(([k, x]) => [k, duckdbPlain(x)]));
  }
  return v;
}
