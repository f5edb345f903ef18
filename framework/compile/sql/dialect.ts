/**
 * SQL dialects. Spark SQL is the default rendering; a dialect overrides only what differs
 * (the way Kysely structures its dialects). DuckDB exists to run compiled plans as a fast
 * test oracle next to real Spark.
 */
import type { LiteralValue } from '../../plan/expr.ts';
import type { Generator, JoinType } from '../../plan/nodes.ts';
import type { SqlDialect as DialectName } from '../../functions/registry.ts';
import { assertNever, type DataType } from '../../schema/types.ts';
import { formatDate } from '../../columnar/calendar.ts';
import { InternalError } from '../../errors/index.ts';

export interface SqlDialect {
  readonly name: DialectName;
  quoteIdentifier(name: string): string;
  stringLiteral(value: string): string;
  typeName(type: DataType): string;
  literal(value: LiteralValue, type: DataType): string;
  joinKeyword(how: JoinType): string;
  /** CAST with Spark's non-ANSI semantics. */
  cast(sql: string, from: DataType, to: DataType): string;
  /** An aggregate used as a window function: `sum(x)` + `(PARTITION BY ...)`. */
  windowAggregate(call: string, over: string, result: DataType): string;
  /** The order key of a RANGE frame with value bounds, in the terms its offsets are rendered in. */
  rangeOrderKey(sql: string, type: DataType): string;
  /** All columns of `from` and the columns an explode or posexplode of `value` (an array or a map) generates, with these quoted names. */
  lateralView(from: string, generator: Generator, outer: boolean, value: string, alias: string, names: readonly string[]): string;
}


export function formatTimestampMicros(micros: bigint): string {
  const seconds = micros / 1_000_000n - (micros % 1_000_000n < 0n ? 1n : 0n);
  const frac = micros - seconds * 1_000_000n;
  const iso = new Date(Number(seconds) * 1000).toISOString().slice(0, 19).replace('T', ' ');
  return `${iso}.${frac.toString().padStart(6, '0')}`;
}

/** Spark's day-to-second literal text, `[-]D HH:MM:SS.ffffff` (the sign applies to the whole interval). */
export function formatIntervalMicros(micros: bigint): string {
  const abs = micros < 0n ? -micros : micros;
  const pad = (n: bigint, w = 2) => n.toString().padStart(w, '0');
  const s = abs / 1_000_000n;
  return `${micros < 0n ? '-' : ''}${s / 86_400n} ${pad((s / 3600n) % 24n)}:${pad((s / 60n) % 60n)}:${pad(s % 60n)}.${pad(abs % 1_000_000n, 6)}`;
}

export function formatDecimal(unscaled: bigint, scale: number): string {
  const neg = unscaled < 0n;
  const digits = (neg ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  const s = scale ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits;
  return neg ? `-${s}` : s;
}

export const sparkDialect: SqlDialect = {
  name: 'spark',
  quoteIdentifier: (name) => `\`${name.replace(/`/g, '``')}\``,
  // Spark parses backslash escapes in string literals (spark.sql.parser.escapedStringLiterals=false).
  // `${` is written `$\{`, the same text once unescaped: Spark replaces `${name}` in the SQL text
  // before parsing it, inside literals too (spark.sql.variable.substitute, on by default), and an
  // unknown name becomes '' there while the local engine keeps the text.
  stringLiteral: (value) =>
    `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\$\{/g, () => '$\\{')}'`,
  typeName(type) {
    switch (type.kind) {
      case 'string':
        return 'STRING';
      case 'boolean':
        return 'BOOLEAN';
      case 'int32':
        return 'INT';
      case 'int64':
        return 'BIGINT';
      case 'float32':
        return 'FLOAT';
      case 'float64':
        return 'DOUBLE';
      case 'date':
        return 'DATE';
      case 'timestamp':
        return 'TIMESTAMP';
      case 'interval':
        return 'INTERVAL DAY TO SECOND';
      case 'decimal':
        return `DECIMAL(${type.precision},${type.scale})`;
      case 'binary':
        return 'BINARY';
      case 'null':
        return 'VOID';
      case 'struct':
        return `STRUCT<${type.fields.map((f) => `${this.quoteIdentifier(f.name)}: ${this.typeName(f.type)}`).join(', ')}>`;
      case 'array':
        return `ARRAY<${this.typeName(type.element)}>`;
      case 'map':
        return `MAP<${this.typeName(type.key)}, ${this.typeName(type.value)}>`;
      default:
        return assertNever(type);
    }
  },
  literal(value, type) {
    if (value === null) return type.kind === 'null' ? 'NULL' : `CAST(NULL AS ${this.typeName(type)})`;
    switch (type.kind) {
      case 'string':
        return this.stringLiteral(String(value));
      case 'boolean':
        return value ? 'TRUE' : 'FALSE';
      case 'int32':
        return String(value);
      case 'int64':
        return `${String(value)}L`;
      case 'float32':
      case 'float64':
        // String(-0) is '0': the sign of -0.0 is kept by writing it out.
        // NaN and the infinities are cast to the literal's own type too: a float NaN written as a double would widen float columns.
        return `CAST(${this.stringLiteral(Object.is(value, -0) ? '-0.0' : String(value))} AS ${this.typeName(type)})`;
      case 'date':
        return `DATE '${formatDate(Number(value))}'`;
      case 'timestamp':
        return `TIMESTAMP '${formatTimestampMicros(BigInt(value as bigint))}'`;
      case 'interval':
        return `INTERVAL '${formatIntervalMicros(BigInt(value as bigint))}' DAY TO SECOND`;
      case 'decimal':
        return `CAST('${formatDecimal(BigInt(value as bigint), type.scale)}' AS ${this.typeName(type)})`;
      default:
        throw new InternalError(`a literal of type ${type.kind} reached the SQL renderer`);
    }
  },
  joinKeyword(how) {
    return { inner: 'INNER JOIN', left: 'LEFT OUTER JOIN', right: 'RIGHT OUTER JOIN', full: 'FULL OUTER JOIN', semi: 'LEFT SEMI JOIN', anti: 'LEFT ANTI JOIN' }[how];
  },
  windowAggregate: (call, over) => `${call} OVER ${over}`,
  rangeOrderKey: (sql) => sql,
  lateralView: (from, generator, outer, value, alias, names) => `SELECT * FROM ${from} LATERAL VIEW ${outer ? 'OUTER ' : ''}${generator}(${value}) ${alias} AS ${names.join(', ')}`,
  cast(sql, _from, to) {
    return `CAST(${sql} AS ${this.typeName(to)})`;
  },
};

/** DuckDB: standard string quoting, double-quoted identifiers, its own type names and join words. */
export const duckdbDialect: SqlDialect = {
  ...sparkDialect,
  name: 'duckdb',
  quoteIdentifier: (name) => `"${name.replace(/"/g, '""')}"`,
  stringLiteral: (value) => `'${value.replace(/'/g, "''")}'`,
  typeName(type) {
    switch (type.kind) {
      case 'string':
        return 'VARCHAR';
      case 'binary':
        return 'BLOB';
      case 'float32':
        return 'REAL';
      case 'timestamp':
        return 'TIMESTAMPTZ';
      // DuckDB's INTERVAL keeps months, days and microseconds apart (and compares them normalized
      // to 30-day months): a day-time interval is its exact microsecond count there.
      case 'interval':
        return 'BIGINT';
      case 'null':
        return 'INTEGER';
      case 'struct':
        return `STRUCT(${type.fields.map((f) => `${this.quoteIdentifier(f.name)} ${this.typeName(f.type)}`).join(', ')})`;
      case 'array':
        return `${this.typeName(type.element)}[]`;
      case 'map':
        return `MAP(${this.typeName(type.key)}, ${this.typeName(type.value)})`;
      default:
        return sparkDialect.typeName.call(this, type);
    }
  },
  literal(value, type) {
    if (value !== null && type.kind === 'interval') return `CAST(${String(value)} AS BIGINT)`;
    if (value !== null && type.kind === 'int64') return `CAST(${String(value)} AS BIGINT)`;
    if (value !== null && type.kind === 'timestamp') return `TIMESTAMPTZ '${formatTimestampMicros(BigInt(value as bigint))}+00'`;
    return sparkDialect.literal.call(this, value, type);
  },
  joinKeyword(how) {
    return { inner: 'INNER JOIN', left: 'LEFT OUTER JOIN', right: 'RIGHT OUTER JOIN', full: 'FULL OUTER JOIN', semi: 'SEMI JOIN', anti: 'ANTI JOIN' }[how];
  },
  // Spark truncates doubles and decimals cast to integers (DuckDB rounds) and yields null for text that
  // does not parse (DuckDB fails).
  cast(sql, from, to) {
    const integral = to.kind === 'int32' || to.kind === 'int64';
    if (integral && (from.kind === 'float32' || from.kind === 'float64' || from.kind === 'decimal')) return `CAST(trunc(${sql}) AS ${this.typeName(to)})`;
    if (integral && from.kind === 'string') return `TRY_CAST(trunc(TRY_CAST(${sql} AS DOUBLE)) AS ${this.typeName(to)})`;
    if (from.kind === 'string') return `TRY_CAST(${sql} AS ${this.typeName(to)})`;
    return `CAST(${sql} AS ${this.typeName(to)})`;
  },
  // DuckDB (a test oracle only) is not asked to run generators: their proof is Spark's.
  lateralView(_from, generator) {
    throw new InternalError(`the DuckDB dialect has no rendering of ${generator}: generators are checked on the local engine and on Spark`);
  },
  // DuckDB sums integers as HUGEINT: cast back to the type Spark gives.
  windowAggregate(call, over, result) {
    return `CAST(${call} OVER ${over} AS ${this.typeName(result)})`;
  },
  // Interval offsets are microseconds here: so is the timestamp key they move (same order).
  rangeOrderKey: (sql, type) => (type.kind === 'timestamp' ? `epoch_us(${sql})` : sql),
};

export const dialects: Record<DialectName, SqlDialect> = { spark: sparkDialect, duckdb: duckdbDialect };
