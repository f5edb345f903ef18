/** `--param k=v` parsing and validation against the job's zod params. */
import type { z } from 'zod';
import type { JobDefinition } from '../dsl/job.ts';
import { ParamError, didYouMean } from '../errors/index.ts';
import { fromZodType } from '../schema/zod.ts';

/** `name=value` command-line pairs (for --param, --input) as a record. */
export function parseAssignments(args: readonly string[], flag: string, example: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of args) {
    const eq = a.indexOf('=');
    if (eq <= 0) throw new ParamError(`${flag} '${a}' is not of the form name=value`, `e.g. ${flag} ${example}`);
    out[a.slice(0, eq)] = a.slice(eq + 1);
  }
  return out;
}

/** Validates raw string params; defaults of the schema apply. */
export function resolveParams(job: JobDefinition, raw: Record<string, string>): Record<string, unknown> {
  const schema = job.params as z.ZodObject | undefined;
  const shape = (schema?.shape ?? {}) as Record<string, z.ZodType>;
  const known = Object.keys(shape);
  const typed: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (!(k in shape)) {
      throw new ParamError(
        `job '${job.name}' has no parameter '${k}'`,
        didYouMean(k, known) ?? (known.length ? `its parameters: ${known.join(', ')}` : 'it takes no parameters'),
      );
    }
    typed[k] = coerce(v, shape[k]);
  }
  if (!schema) return typed;
  const result = schema.safeParse(typed);
  if (!result.success) {
    const lines = result.error.issues.map((i) => {
      const name = i.path.join('.');
      const given = raw[name];
      return `  --param ${name}${given !== undefined ? `=${given}` : ''}: ${i.message}`;
    });
    throw new ParamError(`invalid parameters for job '${job.name}':\n${lines.join('\n')}`, describeParams(job));
  }
  return result.data as Record<string, unknown>;
}

function coerce(value: string, schema: z.ZodType): unknown {
  const kind = fromZodType(schema).type.kind;
  if (kind === 'int32' || kind === 'float32' || kind === 'float64') return value.trim() === '' ? value : Number(value);
  if (kind === 'int64') {
    try {
      return schema._zod.def.type === 'bigint' ? BigInt(value) : Number(value);
    } catch {
      return value;
    }
  }
  if (kind === 'boolean') return value === 'true' ? true : value === 'false' ? false : value;
  return value;
}

export function describeParams(job: JobDefinition): string {
  const shape = ((job.params as z.ZodObject | undefined)?.shape ?? {}) as Record<string, z.ZodType>;
  const parts = Object.entries(shape).map(([k, s]) => {
    const def = s._zod.def as { type: string; defaultValue?: unknown };
    const dflt = def.type === 'default' ? ` (default ${JSON.stringify(def.defaultValue)})` : '';
    return `${k}${dflt}`;
  });
  return parts.length ? `parameters of ${job.name}: ${parts.join(', ')}` : `${job.name} takes no parameters`;
}
