/**
 * Binds the transform's result to the job's output table: the declared schema (if any) must
 * match by name, types may only widen, partition columns must exist and be primitive, and
 * table and column names must be valid for Glue and Athena.
 */
import type { TableOutput } from '../dsl/sinks.ts';
import { didYouMean } from '../errors/index.ts';
import type { Step } from '../plan/nodes.ts';
import { fromZod } from '../schema/zod.ts';
import { field, schemaOf, sameType, withoutLenient, typeToString, type DataType, type DatasetSchema, type Field } from '../schema/types.ts';
import type { BoundExpr, BoundPlan } from './bound.ts';
import { castTo, fail, type Scope } from './expressions.ts';

export interface BoundOutput {
  /** The final plan: columns in table order (data columns, then partition columns). */
  readonly plan: BoundPlan;
  readonly database: string;
  readonly table: string;
  /** The table's full schema, partition columns last. */
  readonly schema: DatasetSchema;
  readonly dataColumns: readonly Field[];
  readonly partitionColumns: readonly Field[];
  /** Non-nullable declared columns: a null there makes the row fail the write (reported, nothing committed). */
  readonly requiredColumns: readonly string[];
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;
const PARTITION_TYPES = new Set<DataType['kind']>(['string', 'int32', 'int64', 'date', 'boolean', 'decimal']);

function hasInterval(t: DataType): boolean {
  switch (t.kind) {
    case 'interval':
      return true;
    case 'struct':
      return t.fields.some((f) => hasInterval(f.type));
    case 'array':
      return hasInterval(t.element);
    case 'map':
      return hasInterval(t.key) || hasInterval(t.value);
    default:
      return false;
  }
}

export function bindOutput(result: BoundPlan, output: TableOutput, ctx: { job: string; file?: string }): BoundOutput {
  const step: Step = { label: `output ${output.table}` };
  const s: Scope = { job: ctx.job, ...(ctx.file ? { file: ctx.file } : {}), step, schema: result.schema };
  const parts = output.table.split('.');
  if (parts.length !== 2 || !parts.every((p) => IDENTIFIER.test(p) && Buffer.byteLength(p) <= 255)) {
    fail(s, `output table '${output.table}' is not a valid 'database.table' name`, 'use lowercase letters, digits and underscores (Glue and Athena lowercase every name), e.g. analytics.events');
  }
  const [database, table] = parts;

  const declared = output.schema ? fromZod(output.schema) : undefined;
  const target: readonly Field[] = declared ? declared.fields : result.schema.fields;
  for (const f of target) {
    if (!IDENTIFIER.test(f.name) || Buffer.byteLength(f.name) > 255) {
      fail(s, `column '${f.name}' is not a valid Glue/Athena column name`, `use lowercase letters, digits and underscores; rename it, e.g. .rename({ '${f.name}': '${f.name.toLowerCase().replace(/[^a-z0-9_]/g, '_')}' })`, f.name);
    }
  }

  const columns: BoundExpr[] = [];
  const resultNames = result.schema.fields.map((f) => f.name);
  if (declared) {
    const extra = resultNames.filter((n) => !declared.fields.some((f) => f.name === n));
    if (extra.length) {
      fail(s, `the transform's result has column${extra.length > 1 ? 's' : ''} ${extra.map((e) => `'${e}'`).join(', ')} that ${output.table}'s declared schema lacks`, `drop ${extra.length > 1 ? 'them' : 'it'} with .drop(...) or add ${extra.length > 1 ? 'them' : 'it'} to the output schema`, extra[0]);
    }
  }
  for (const f of target) {
    const index = resultNames.indexOf(f.name);
    if (index < 0) fail(s, `the output schema declares column '${f.name}' but the transform does not produce it`, didYouMean(f.name, resultNames) ?? `produced columns: ${resultNames.join(', ')}`, f.name);
    const produced = result.schema.fields[index];
    if (produced.type.kind === 'null' && f.type.kind === 'null') {
      fail(s, `column '${f.name}' has no type: it is always null (a lit(null), say), and a table column needs a type`, `give it a type: .withColumn('${f.name}', lit(null).cast(z.string()))`, f.name);
    }
    if (hasInterval(produced.type)) {
      // Spark writes a day-time interval to Parquet as a bare int64 that only Spark reads back as
      // an interval; Athena and Glue have no such column type.
      fail(
        s,
        `column '${f.name}' is ${typeToString(produced.type)}: no table column type holds an interval (Athena and Glue have none)`,
        `store it as a number, e.g. .withColumn('${f.name}', intervalMicros(col('${f.name}'))) for microseconds as a bigint`,
        f.name,
      );
    }
    if (!sameType(produced.type, f.type) && !widens(produced.type, f.type)) {
      fail(s, `column '${f.name}' is ${typeToString(produced.type)} but ${output.table} declares ${typeToString(f.type)}`, `cast it: .withColumn('${f.name}', col('${f.name}').cast(...))`, f.name);
    }
    columns.push(castTo({ kind: 'column', index, name: f.name, type: produced.type }, f.type));
  }

  const partitionColumns: Field[] = [];
  for (const p of output.partitionBy) {
    const f = target.find((x) => x.name === p);
    if (!f) fail(s, `partition column '${p}' is not a column of the output`, didYouMean(p, target.map((x) => x.name)), p);
    if (!PARTITION_TYPES.has(f.type.kind)) fail(s, `partition column '${p}' has type ${typeToString(f.type)}; partition by a string, integer, date, boolean or decimal column`, undefined, p);
    partitionColumns.push(f);
  }
  if (output.athenaProjection) {
    const { from, to } = output.athenaProjection;
    const only = partitionColumns.length === 1 ? partitionColumns[0] : undefined;
    if (!only || only.type.kind !== 'date') fail(s, `athenaProjection needs exactly one partition column of type date; ${output.table} is partitioned by ${output.partitionBy.join(', ') || 'nothing'}`, 'partition by one date column, or remove athenaProjection');
    const bound = /^(\d{4}-\d{2}-\d{2}|NOW([+-]\d+(YEARS?|MONTHS?|WEEKS?|DAYS?))?)$/;
    for (const v of [from, to ?? 'NOW']) if (!bound.test(v)) fail(s, `athenaProjection range bound '${v}' is neither a date (yyyy-MM-dd) nor NOW[±N YEARS|MONTHS|WEEKS|DAYS]`, "e.g. { from: '2024-01-01' } or { from: 'NOW-2YEARS', to: 'NOW' }");
  }
  if (partitionColumns.length && partitionColumns.length === target.length) fail(s, 'every column is a partition column; a table needs at least one data column');

  // Table order: data columns, then partition columns (as Hive, Glue and Spark's insertInto expect).
  const order = [...target.filter((f) => !output.partitionBy.includes(f.name)), ...partitionColumns];
  const ordered = order.map((f) => columns[target.indexOf(f)]);
  const fields = order.map((f) => {
    const produced = result.schema.fields[resultNames.indexOf(f.name)];
    return declared ? f : field(f.name, f.type, produced.nullable, f.comment ? { comment: f.comment } : {});
  });
  const schema = withoutLenient(schemaOf(fields));
  const plan: BoundPlan = { kind: 'project', step, schema, input: result, columns: ordered };
  return {
    plan,
    database,
    table,
    schema,
    dataColumns: fields.filter((f) => !output.partitionBy.includes(f.name)),
    partitionColumns: fields.filter((f) => output.partitionBy.includes(f.name)),
    requiredColumns: declared ? declared.fields.filter((f) => !f.nullable).map((f) => f.name) : [],
  };
}

function widens(from: DataType, to: DataType): boolean {
  if (from.kind === 'null') return true;
  if (from.kind === 'int32') return to.kind === 'int64' || to.kind === 'float64' || (to.kind === 'decimal' && to.precision - to.scale >= 10);
  if (from.kind === 'int64') return to.kind === 'decimal' && to.precision - to.scale >= 19;
  if (from.kind === 'float32') return to.kind === 'float64';
  if (from.kind === 'decimal' && to.kind === 'decimal') return to.scale >= from.scale && to.precision - to.scale >= from.precision - from.scale;
  return false;
}
