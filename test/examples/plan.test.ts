/**
 * The example jobs build their logical plans, pass the analyzer and bind to their output
 * tables with the declared schemas.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../framework/analyze/analyze.ts';
import { bindOutput } from '../../framework/analyze/output.ts';
import { buildPlan, type JobDefinition } from '../../framework/dsl/job.ts';
import { planChildren, type PlanKind, type PlanNode } from '../../framework/plan/nodes.ts';
import { fromZod } from '../../framework/schema/zod.ts';
import { EventClean } from '../../schemas/events.ts';
import eventsClean from '../../jobs/events_clean.ts';
import userSessions from '../../jobs/user_sessions.ts';
import dailyKpis from '../../jobs/daily_kpis.ts';

const schemaOfTable = (table: string) => {
  if (table === 'analytics.events') return fromZod(EventClean);
  throw new Error(`no schema for ${table}`);
};

const plan = (job: JobDefinition) => buildPlan(job, (job.params?.parse({}) ?? {}) as Record<string, unknown>, schemaOfTable);

function kinds(n: PlanNode, out = new Set<PlanKind>()): Set<PlanKind> {
  out.add(n.kind);
  for (const c of planChildren(n)) kinds(c, out);
  return out;
}

const cases: { job: JobDefinition; root: PlanKind; uses: PlanKind[]; inputs: string[] }[] = [
  { job: eventsClean, root: 'project', uses: ['scan', 'filter', 'withColumns', 'deduplicate'], inputs: ['raw'] },
  { job: userSessions, root: 'drop', uses: ['window', 'aggregate'], inputs: ['events'] },
  { job: dailyKpis, root: 'aggregate', uses: ['join', 'withColumns'], inputs: ['events', 'users'] },
];

describe('example jobs', () => {
  for (const { job, root, uses, inputs } of cases) {
    it(`${job.name} builds its plan`, () => {
      expect(job.description).toBeTruthy();
      const p = plan(job);
      expect(p.root.kind).toBe(root);
      for (const k of uses) expect(kinds(p.root)).toContain(k);
      expect(Object.keys(p.inputSchemas).sort()).toEqual([...inputs].sort());
    });

    it(`${job.name} analyzes and binds to ${job.output.table}`, () => {
      const p = plan(job);
      const bound = analyze(p.root, { job: job.name, file: `jobs/${job.name}.ts` });
      const out = bindOutput(bound, job.output, { job: job.name, file: `jobs/${job.name}.ts` });
      expect(`${out.database}.${out.table}`).toBe(job.output.table);
      expect(out.partitionColumns.map((f) => f.name)).toEqual(['dt']);
      expect(out.schema.fields.at(-1)?.type.kind).toBe('date');
    });
  }

  it('user_sessions and daily_kpis read what events_clean writes', () => {
    expect(eventsClean.output.table).toBe('analytics.events');
    for (const job of [userSessions, dailyKpis] as JobDefinition[]) {
      expect(Object.values(job.inputs).some((i) => i.format === 'table' && i.table === 'analytics.events')).toBe(true);
    }
  });
});
