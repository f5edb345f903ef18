/**
 * Location templates: `s3://{bucket}/raw/events/{dt|yyyy/MM/dd/HH}/`. `{name}` inserts a parameter
 * (or environment value); `{name|pattern}` formats a date parameter with the letters yyyy, MM, dd
 * and HH (UTC).
 *
 * A template names one location for given values, or, for a run that owns a time slice, the
 * list of locations its window covers: `{dt|yyyy/MM/dd/HH}` over the day 2026-11-01 with 6 hours
 * of lateness is the 30 hourly folders 2026/11/01/00 ... 2026/11/02/05 (Kinesis Firehose writes
 * one folder per arrival hour). A run that leaves a templated parameter out reads everything
 * below the template's fixed prefix.
 */
import { UsageError, didYouMean } from '../errors/index.ts';

type Part = { readonly kind: 'text'; readonly text: string } | { readonly kind: 'value'; readonly name: string; readonly pattern?: string };

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)(?:\|([^}]*))?\}/g;

function parse(template: string): Part[] {
  const parts: Part[] = [];
  let at = 0;
  for (const m of template.matchAll(PLACEHOLDER)) {
    if (m.index > at) parts.push({ kind: 'text', text: template.slice(at, m.index) });
    parts.push(m[2] === undefined ? { kind: 'value', name: m[1] } : { kind: 'value', name: m[1], pattern: m[2] });
    at = m.index + m[0].length;
  }
  if (at < template.length) parts.push({ kind: 'text', text: template.slice(at) });
  return parts;
}

export function templateNames(template: string): string[] {
  return parse(template).flatMap((p) => (p.kind === 'value' ? [p.name] : []));
}

export function renderTemplate(template: string, values: Readonly<Record<string, unknown>>, what: string): string {
  return parse(template)
    .map((p) => (p.kind === 'text' ? p.text : renderValue(p, values, what)))
    .join('');
}

function renderValue(p: Extract<Part, { kind: 'value' }>, values: Readonly<Record<string, unknown>>, what: string): string {
  if (!(p.name in values) || values[p.name] === undefined) {
    throw new UsageError(`${what} uses {${p.name}}, which is not a parameter`, didYouMean(p.name, Object.keys(values)) ?? `known: ${Object.keys(values).join(', ') || '(none)'}`);
  }
  const v = values[p.name];
  if (p.pattern === undefined) return String(v);
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}))?/.exec(String(v));
  if (!m) throw new UsageError(`${what}: {${p.name}|${p.pattern}} formats a date, but ${p.name} is '${String(v)}'`);
  return formatPattern(p.pattern, Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0)));
}

function formatPattern(pattern: string, ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  const fields: Record<string, string> = { yyyy: String(d.getUTCFullYear()).padStart(4, '0'), MM: two(d.getUTCMonth() + 1), dd: two(d.getUTCDate()), HH: two(d.getUTCHours()) };
  return pattern.replace(/yyyy|MM|dd|HH/g, (t) => fields[t]);
}

/** The folder unit a date placeholder steps by: its finest letter. A plain `{dt}` is a day. */
type Unit = 'hour' | 'day' | 'month' | 'year';

function unitOf(pattern: string | undefined): Unit {
  if (pattern === undefined) return 'day';
  if (pattern.includes('HH')) return 'hour';
  if (pattern.includes('dd')) return 'day';
  return pattern.includes('MM') ? 'month' : 'year';
}

function floorTo(unit: Unit, ms: number): number {
  const d = new Date(ms);
  switch (unit) {
    case 'hour':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours());
    case 'day':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
    case 'month':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    case 'year':
      return Date.UTC(d.getUTCFullYear(), 0, 1);
  }
}

function next(unit: Unit, ms: number): number {
  const d = new Date(ms);
  switch (unit) {
    case 'hour':
      return ms + 3_600_000;
    case 'day':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
    case 'month':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
    case 'year':
      return Date.UTC(d.getUTCFullYear() + 1, 0, 1);
  }
}

const FINEST: readonly Unit[] = ['hour', 'day', 'month', 'year'];

/** A time window of a slice parameter: the run reads what was written for `param` in [startMs, endMs). */
export interface TemplateWindow {
  readonly param: string;
  readonly startMs: number;
  readonly endMs: number;
}

/**
 * The locations a template names over a window of its date parameter, in time order, without
 * repeats: one per folder unit (the finest letter among the parameter's placeholders) that
 * overlaps the window. A template that does not use the parameter names one location.
 */
export function renderWindow(template: string, values: Readonly<Record<string, unknown>>, window: TemplateWindow, what: string): string[] {
  const parts = parse(template);
  const uses = parts.filter((p): p is Extract<Part, { kind: 'value' }> => p.kind === 'value' && p.name === window.param);
  if (!uses.length) return [renderTemplate(template, values, what)];
  const unit = FINEST.find((u) => uses.some((p) => unitOf(p.pattern) === u))!;
  const out: string[] = [];
  for (let t = floorTo(unit, window.startMs); t < window.endMs; t = next(unit, t)) {
    const rendered = parts
      .map((p) => (p.kind === 'text' ? p.text : p.name === window.param ? formatPattern(p.pattern ?? 'yyyy-MM-dd', t) : renderValue(p, values, what)))
      .join('');
    if (out[out.length - 1] !== rendered) out.push(rendered);
  }
  return out;
}

/**
 * The template up to the folder that holds its first placeholder whose value is absent: where a
 * run that leaves `absent` out reads (everything below). `s3://{bucket}/raw/events/{dt|yyyy/MM/dd}/`
 * without dt is `s3://acme-raw/raw/events/`.
 */
export function fixedPrefix(template: string, values: Readonly<Record<string, unknown>>, absent: ReadonlySet<string>, what: string): string {
  let out = '';
  for (const p of parse(template)) {
    if (p.kind === 'text') out += p.text;
    else if (absent.has(p.name)) return out.slice(0, out.lastIndexOf('/') + 1);
    else out += renderValue(p, values, what);
  }
  return out;
}

/**
 * The template with every placeholder rendered but those of `keep`, which stay as they are
 * written: what a plan carries for the Spark driver to render at run time (a scheduled run
 * learns its day only when it starts).
 */
export function renderExcept(template: string, values: Readonly<Record<string, unknown>>, keep: ReadonlySet<string>, what: string): string {
  return parse(template)
    .map((p) => (p.kind === 'text' ? p.text : keep.has(p.name) ? `{${p.name}${p.pattern === undefined ? '' : `|${p.pattern}`}}` : renderValue(p, values, what)))
    .join('');
}
