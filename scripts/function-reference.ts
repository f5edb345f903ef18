/**
 * docs/functions.md, generated from the function registry (framework/functions) and the DSL that
 * names its entries (framework/dsl/functions.ts, the column methods of framework/dsl/expr.ts):
 * for each function, how a job writes it, its Spark SQL name, its signature and what it does.
 * Which DSL spelling reaches which registry entry is found by building each one's expression, so
 * the reference cannot disagree with the code; test/docs/functions.test.ts fails when the
 * committed file is stale.
 *
 *   npm run docs:functions        (rewrites docs/functions.md)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as dslFunctions from '../framework/dsl/functions.ts';
import { Col, col } from '../framework/dsl/expr.ts';
import { aggregateFunctions, scalarFunctions, windowFunctions } from '../framework/functions/index.ts';
import type { Expr } from '../framework/plan/expr.ts';
import { callGroups, readCaseFiles } from '../test/support/function-cases.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const FUNCTIONS_DOC = path.join(ROOT, 'docs', 'functions.md');

type Kind = 'scalar' | 'aggregate' | 'window';

/** One way a job writes a function: `lower(s)` or `.plus(o)`. */
interface Spelling {
  readonly dsl: string;
  /** The DSL's doc comment: the notes of a special form (registry entries have their own description). */
  readonly doc?: string;
  /** Registry entry it builds, or undefined for a special form (CASE WHEN, CAST). */
  readonly target?: { readonly kind: Kind; readonly name: string; readonly distinct: boolean };
}

/** `export const name = <V>(params) => ...` and the doc comment above it, from the source text. */
function freeFunctionSignatures(source: string): Map<string, { params: string; doc?: string }> {
  const out = new Map<string, { params: string; doc?: string }>();
  const re = /(?:\/\*\*((?:[^*]|\*(?!\/))*)\*\/\s*)?export const (\w+) = (?:<([^>]*)>)?\(/g;
  for (let m = re.exec(source); m; m = re.exec(source)) {
    const params = balancedParens(source, m.index + m[0].length - 1);
    out.set(m[2], { params: withConstraints(oneLine(params), m[3]), ...(m[1] ? { doc: docText(m[1]) } : {}) });
  }
  return out;
}

/**
 * The parameters with each type parameter replaced by its constraint: the DSL's type parameters
 * record which columns a call reads (`<X extends ExprLike>(s: X)`), the reader wants `s: ExprLike`.
 * A parameter of column names (`extends string`) is left out of a type's arguments:
 * `Col<boolean, C>` reads `Col<boolean>`.
 */
function withConstraints(params: string, typeParams: string | undefined): string {
  let out = params;
  for (const m of (typeParams ?? '').matchAll(/(?:const\s+)?(\w+)\s+extends\s+([^,=]+?)\s*(?:=[^,]*)?(?:,|$)/g)) {
    const [, name, constraint] = m;
    out = constraint === 'string' ? out.replace(new RegExp(`,\\s*${name}>`, 'g'), '>') : out.replace(new RegExp(`(:\\s*)${name}\\b`, 'g'), `$1${constraint}`);
  }
  return out;
}

/** The methods of `class Col` with their parameters and doc comments. */
function columnMethodSignatures(source: string): Map<string, { params: string; doc?: string }> {
  const body = source.slice(source.indexOf('export class Col<'), source.indexOf('export class SortSpec'));
  const out = new Map<string, { params: string; doc?: string }>();
  const re = /(?:\/\*\*((?:[^*]|\*(?!\/))*)\*\/\s*)?\n {2}(\w+)(?:<([^>]*)>)?\(([^)]*)\): /g;
  for (let m = re.exec(body); m; m = re.exec(body)) out.set(m[2], { params: withConstraints(oneLine(m[4]), m[3]), ...(m[1] ? { doc: docText(m[1]) } : {}) });
  return out;
}

function balancedParens(text: string, open: number): string {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return text.slice(open + 1, i);
  }
  throw new Error(`unbalanced parentheses in the DSL source at ${open}`);
}

const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();
const docText = (comment: string) => oneLine(comment.replace(/^\s*\*/gm, ''));

/** The registry entry an expression calls, found by building it with columns for its arguments. */
function targetOf(node: Expr): Spelling['target'] {
  switch (node.kind) {
    case 'call':
      return { kind: 'scalar', name: node.fn, distinct: false };
    case 'aggregate':
      return { kind: 'aggregate', name: node.fn, distinct: node.distinct };
    case 'window':
      return { kind: aggregateFunctions.get(node.fn) ? 'aggregate' : 'window', name: node.fn, distinct: false };
    default:
      return undefined;
  }
}

function spellings(): Spelling[] {
  const free = freeFunctionSignatures(readFileSync(path.join(ROOT, 'framework/dsl/functions.ts'), 'utf8'));
  const methods = columnMethodSignatures(readFileSync(path.join(ROOT, 'framework/dsl/expr.ts'), 'utf8'));
  const out: Spelling[] = [];
  // Sorted as an ES module namespace is: vitest's transformed modules list exports in declaration order instead.
  const exported = (Object.entries(dslFunctions) as [string, (...a: unknown[]) => Col][]).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [name, fn] of exported) {
    const sig = free.get(name);
    if (!sig) throw new Error(`framework/dsl/functions.ts exports ${name}, but not as \`export const ${name} = (...) =>\`: the reference cannot read its signature`);
    const built = fn(...Array.from({ length: fn.length }, (_, i) => col(`arg${i}`)));
    out.push({ dsl: `${name}(${sig.params})`, ...(sig.doc ? { doc: sig.doc } : {}), target: targetOf(built.node) });
  }
  for (const [name, sig] of methods) {
    // cast is a plan node of its own (its argument is a type, not a column).
    if (name === 'cast') {
      out.push({ dsl: `.cast(${sig.params})`, doc: sig.doc ?? "Spark's CAST: text that does not parse gives null" });
      continue;
    }
    const method = (Col.prototype as unknown as Record<string, (...a: unknown[]) => unknown>)[name];
    const built = method.apply(col('x'), Array.from({ length: method.length }, (_, i) => col(`arg${i}`)));
    // Sorting and naming methods build no expression of the registry.
    const target = built instanceof Col ? targetOf(built.node) : undefined;
    if (target) out.push({ dsl: `.${name}(${sig.params})`, ...(sig.doc ? { doc: sig.doc } : {}), target });
  }
  return out;
}

const cell = (s: string) => s.replace(/\|/g, '\\|');

/** The reference as Markdown. */
export function functionReference(): string {
  const all = spellings();
  const sections: { kind: Kind; title: string; intro: string; names: string[]; description: (n: string) => string }[] = [
    { kind: 'scalar', title: 'Scalar functions and operators', intro: 'Row by row; a null argument gives null unless the notes say otherwise.', names: scalarFunctions.names(), description: (n) => scalarFunctions.get(n)!.description },
    { kind: 'aggregate', title: 'Aggregates', intro: "In `groupBy(...).agg({...})`, and with `.over(Window...)` as window functions.", names: aggregateFunctions.names(), description: (n) => aggregateFunctions.get(n)!.description },
    { kind: 'window', title: 'Ranking, distribution and offset window functions', intro: 'Only with `.over(Window.partitionBy(...).orderBy(...))`: Spark requires an order.', names: windowFunctions.names(), description: (n) => windowFunctions.get(n)!.description },
  ];
  const lines = [
    '# Function reference',
    '',
    '<!-- Generated from the function registry by `npm run docs:functions`; do not edit by hand (test/docs/functions.test.ts fails when it is stale). -->',
    '',
    "Every function a job can use, as the DSL writes it (`import { ... } from 'lakeform'`, or a method of `col(...)`),",
    'its Spark SQL name (what `etl plan` compiles it to) and its semantics, which are Spark SQL\'s (non-ANSI mode, UTC).',
    'As in PySpark, a string where a column is expected names a column; use `lit(...)` for a value.',
    '',
  ];
  for (const s of sections) {
    lines.push(`## ${s.title}`, '', s.intro, '', '| DSL | Spark SQL | Notes |', '| --- | --- | --- |');
    for (const name of s.names) {
      const ways = all.filter((w) => w.target?.kind === s.kind && w.target.name === name);
      const dsl = ways.length ? ways.map((w) => `\`${cell(w.dsl)}\``).join('<br>') : '(none yet: in the registry, not in the DSL)';
      const spark = ways.some((w) => w.target?.distinct) ? `\`${cell(name)}\`, \`${cell(name)}(DISTINCT ...)\`` : `\`${cell(name)}\``;
      const notes = cell(s.description(name));
      lines.push(`| ${dsl} | ${spark} | ${notes} |`);
    }
    lines.push('');
  }
  lines.push(...refusals());
  const special = all.filter((w) => !w.target);
  lines.push('## Special forms', '', 'Built into the plan rather than the registry (the analyzer types them; each SQL renderer writes them).', '', '| DSL | Spark SQL | Notes |', '| --- | --- | --- |');
  for (const w of special) lines.push(`| \`${cell(w.dsl)}\` | ${w.dsl.startsWith('.cast') ? '`CAST(x AS type)`' : '`CASE WHEN ... THEN ... ELSE ... END`'} | ${cell(w.doc ?? '')} |`);
  lines.push('');
  return lines.join('\n');
}

/**
 * The refusals that depend on an argument's value (a pattern, a unit, a zone, a count), as the
 * case files record them: where a job can meet what Spark would reject at run time, or what the
 * local engine cannot run as Spark does. Refusals of argument types are left out (every function
 * has them; the type checker's message names the accepted types).
 */
function refusals(): string[] {
  const out: string[] = [];
  for (const file of readCaseFiles().filter((f) => f.kind)) {
    const problems = new Set<string>();
    for (const g of callGroups(file)) if ('problem' in g.resolved && g.block.args.some((a) => a.literal)) problems.add(g.resolved.problem);
    if (problems.size) out.push(`- \`${file.name}\`: ${[...problems].map((p) => p.replace(/\.$/, '')).join('; ')}.`);
  }
  if (!out.length) return [];
  return [
    '## Refused at analysis',
    '',
    '`etl plan` and `etl run` refuse these calls before anything runs, with these messages (examples from the case files,',
    '`framework/functions/cases`): a value Spark would fail the job on, or a feature the local engine cannot run exactly as Spark does.',
    '',
    ...out,
    '',
  ];
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeFileSync(FUNCTIONS_DOC, functionReference());
  process.stdout.write(`wrote ${path.relative(process.cwd(), FUNCTIONS_DOC)}\n`);
}
