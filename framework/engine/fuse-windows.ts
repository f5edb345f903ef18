/**
 * Windows over the same keys share one sort. A job that derives a column from one window and
 * then windows over it with the same specification, user_sessions' `lag(ts)` then
 * `sum(new_session)` by user and time, binds to window <- project <- window: run one by one, the
 * second sorts the same rows by the same keys again (about 0.3 s of CPU at 1M events).
 *
 * Both operators keep their rows in their input's order (a window scatters its results by row,
 * a project maps rows one to one), so row i of every node of such a chain is row i of the
 * chain's input. A window's sorted layout is positions of rows, so it serves any later window
 * whose partition and order keys compute the same values: the same expressions once written
 * over the chain's input (`overChainInput`). Keys that read a window's result get their own sort.
 */
import type { BoundExpr, BoundPlan } from '../analyze/bound.ts';

export type WindowNode = Extract<BoundPlan, { kind: 'window' }>;
export type ProjectNode = Extract<BoundPlan, { kind: 'project' }>;
export type WindowStage = WindowNode | ProjectNode;

/** Windows and the projects between them, run over one materialized input; `stages` bottom-up, the first a window. */
export interface WindowChain {
  readonly input: BoundPlan;
  readonly stages: readonly WindowStage[];
}

/** The longest chain of windows and projects ending at `top` and starting with a window. */
export function windowChain(top: WindowNode): WindowChain {
  const stages: WindowStage[] = [top];
  for (let n = top.input; n.kind === 'window' || n.kind === 'project'; n = n.input) stages.push(n);
  while (stages[stages.length - 1].kind === 'project') stages.pop();
  stages.reverse();
  return { input: stages[0].input, stages };
}

/**
 * `e`, an expression over the input of stage `k`, rewritten over the chain's input; undefined
 * when it reads a column a window of the chain computed. Column names come from the chain
 * input's schema, so equal expressions have equal signatures whatever the stages called them.
 */
export function overChainInput(e: BoundExpr, chain: WindowChain, k: number): BoundExpr | undefined {
  let out: BoundExpr | undefined = e;
  for (let j = k - 1; j >= 0 && out; j--) {
    const stage = chain.stages[j];
    if (stage.kind === 'project') out = replaceColumns(out, (c) => stage.columns[c.index]);
    else {
      const width = stage.input.schema.fields.length;
      out = replaceColumns(out, (c) => (c.index < width ? c : undefined));
    }
  }
  const fields = chain.input.schema.fields;
  return out && replaceColumns(out, (c) => ({ ...c, name: fields[c.index].name }));
}

type ColumnRef = Extract<BoundExpr, { kind: 'column' }>;

function replaceColumns(e: BoundExpr, f: (c: ColumnRef) => BoundExpr | undefined): BoundExpr | undefined {
  switch (e.kind) {
    case 'column':
      return f(e);
    case 'literal':
      return e;
    case 'call': {
      const args = replaceAll(e.args, f);
      return args && { ...e, args };
    }
    case 'cast': {
      const expr = replaceColumns(e.expr, f);
      return expr && { ...e, expr };
    }
    case 'case': {
      const whens = replaceAll(e.branches.map((b) => b.when), f);
      const thens = replaceAll(e.branches.map((b) => b.then), f);
      const otherwise = e.otherwise === null ? null : replaceColumns(e.otherwise, f);
      if (!whens || !thens || otherwise === undefined) return undefined;
      return { ...e, branches: whens.map((when, i) => ({ when, then: thens[i] })), otherwise };
    }
  }
}

function replaceAll(es: readonly BoundExpr[], f: (c: ColumnRef) => BoundExpr | undefined): BoundExpr[] | undefined {
  const out: BoundExpr[] = [];
  for (const e of es) {
    const r = replaceColumns(e, f);
    if (!r) return undefined;
    out.push(r);
  }
  return out;
}
