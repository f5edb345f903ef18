/**
 * Location templates: `s3://{bucket}/raw/events/{dt|yyyy/MM/dd}/`. `{name}` inserts a parameter
 * (or environment value); `{name|pattern}` formats a date parameter with y, M, d, H letters.
 */
import { UsageError, didYouMean } from '../errors/index.ts';

export function renderTemplate(template: string, values: Readonly<Record<string, unknown>>, what: string): string {
  return template.replace(/\{([A-Za-z_][A-Za-z0-9_]*)(?:\|([^}]*))?\}/g, (_m, name: string, pattern?: string) => {
    if (!(name in values) || values[name] === undefined) {
      throw new UsageError(`${what} uses {${name}}, which is not a parameter`, didYouMean(name, Object.keys(values)) ?? `known: ${Object.keys(values).join(', ') || '(none)'}`);
    }
    const v = values[name];
    if (pattern === undefined) return String(v);
    const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}))?/.exec(String(v));
    if (!m) throw new UsageError(`${what}: {${name}|${pattern}} formats a date, but ${name} is '${String(v)}'`);
    return pattern.replace(/yyyy|MM|dd|HH/g, (t) => ({ yyyy: m[1], MM: m[2], dd: m[3], HH: m[4] ?? '00' })[t]!);
  });
}

export function templateNames(template: string): string[] {
  return [...template.matchAll(/\{([A-Za-z_][A-Za-z0-9_]*)(?:\|[^}]*)?\}/g)].map((m) => m[1]);
}
