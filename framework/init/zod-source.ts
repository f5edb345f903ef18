/**
 * A dataset schema written back as the zod source a user would write in schemas/<name>.ts
 * (the inverse of framework/schema/zod.ts): one line per column, nested types inline.
 */
import type { DataType, DatasetSchema, Field } from '../schema/types.ts';
import { InternalError } from '../errors/index.ts';

export interface ZodSource {
  /** `z.object({ ... })`, indented for a top-level `export const`. */
  readonly text: string;
  /** What the text uses from 'lakeform' besides zod (decimal, binary). */
  readonly lakeformImports: readonly string[];
}

export function zodSource(schema: DatasetSchema): ZodSource {
  const imports = new Set<string>();
  const text = objectSource(schema.fields, 1, imports);
  return { text, lakeformImports: [...imports].sort() };
}

function objectSource(fields: readonly Field[], depth: number, imports: Set<string>): string {
  const indent = '  '.repeat(depth);
  const lines = fields.map((f) => `${indent}${propertyName(f.name)}: ${fieldSource(f, depth, imports)},`);
  return `z.object({\n${lines.join('\n')}\n${'  '.repeat(depth - 1)}})`;
}

function fieldSource(f: Field, depth: number, imports: Set<string>): string {
  if (f.type.kind === 'null') return `z.string().nullable().describe('TODO: always null in the sample; give it its type')`;
  const type = f.enumValues ? `z.enum(${JSON.stringify(f.enumValues)})` : typeSource(f.type, depth, imports);
  return `${type}${f.nullable ? '.nullable()' : ''}${f.comment ? `.describe(${JSON.stringify(f.comment)})` : ''}`;
}

function typeSource(t: DataType, depth: number, imports: Set<string>): string {
  switch (t.kind) {
    case 'string':
      return 'z.string()';
    case 'boolean':
      return 'z.boolean()';
    case 'int32':
    case 'int64':
    case 'float32':
    case 'float64':
      return `z.${t.kind}()`;
    case 'date':
      return 'z.iso.date()';
    case 'timestamp':
      // Accepts any UTC offset in text inputs; a timestamp is stored in UTC whatever it was written with.
      return 'z.iso.datetime({ offset: true })';
    case 'binary':
      imports.add('binary');
      return 'binary()';
    case 'decimal':
      imports.add('decimal');
      return `decimal(${t.precision}, ${t.scale})`;
    case 'struct':
      return objectSource(t.fields, depth + 1, imports);
    case 'array':
      return `z.array(${elementSource(t.element, t.containsNull, depth, imports)})`;
    case 'map':
      return `z.record(${typeSource(t.key, depth, imports)}, ${elementSource(t.value, t.valueContainsNull, depth, imports)})`;
    case 'null':
      return 'z.string().nullable()';
    case 'interval':
      throw new InternalError('an interval column reached a schema source: no input format reads intervals');
  }
}

function elementSource(t: DataType, nullable: boolean, depth: number, imports: Set<string>): string {
  return t.kind === 'null' ? 'z.string().nullable()' : `${typeSource(t, depth, imports)}${nullable ? '.nullable()' : ''}`;
}

function propertyName(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : JSON.stringify(name);
}
