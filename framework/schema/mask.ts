/**
 * Column masking declared in the schema, applied when real data is copied into a local sample
 * (`etl sample --env`), so personal data does not leave the account in clear:
 *
 *   email: masked(z.string(), 'hash')      // sha256 hex of the value: joins on it still match
 *   name:  masked(z.string().nullable(), 'redact')
 *
 * The mask is zod metadata: the column's type, comment and refinements stay as declared.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { SchemaDefinitionError } from './zod.ts';

/** 'hash': SHA-256 of the value's text, as 64 hex digits (the same value always gives the same hash). 'redact': the text '[redacted]'. */
export type MaskRule = 'hash' | 'redact';

const MASK_META = 'etl.mask';

export function masked<S extends z.ZodType>(schema: S, rule: MaskRule): S {
  // meta() replaces the metadata of the copy it returns: keep the description and any other keys.
  return schema.meta({ ...(z.globalRegistry.get(schema) ?? {}), [MASK_META]: rule }) as S;
}

function ruleOf(schema: z.ZodType): MaskRule | undefined {
  let s: z.ZodType | undefined = schema;
  while (s) {
    const rule = (z.globalRegistry.get(s) as Record<string, unknown> | undefined)?.[MASK_META];
    if (rule) return rule as MaskRule;
    const def = s._zod.def as { type: string; innerType?: z.ZodType };
    s = def.type === 'nullable' || def.type === 'optional' || def.type === 'default' || def.type === 'readonly' ? def.innerType : undefined;
  }
  return undefined;
}

/** Top-level column -> rule, for the columns of an input schema that declare a mask. */
export function maskRules(schema: z.ZodObject): ReadonlyMap<string, MaskRule> {
  const rules = new Map<string, MaskRule>();
  for (const [name, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
    const rule = ruleOf(field);
    if (!rule) continue;
    if (rule !== 'hash' && rule !== 'redact') throw new SchemaDefinitionError(`column '${name}': unknown mask '${String(rule)}' (use 'hash' or 'redact')`);
    rules.set(name, rule);
  }
  return rules;
}

/** The masked text of a value's text. */
export function maskValue(text: string, rule: MaskRule): string {
  return rule === 'hash' ? createHash('sha256').update(text, 'utf8').digest('hex') : '[redacted]';
}
