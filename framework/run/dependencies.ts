/** Job dependencies through catalog tables: a job that reads a table depends on the job that writes it. */
import { UsageError } from '../errors/index.ts';
import { loadAllJobs, loadJob, type Project } from './project.ts';

/** The upstream jobs of `name` and `name` itself, producers first (like dbt's `+model`). */
export async function dependencyOrder(project: Project, name: string): Promise<string[]> {
  await loadJob(project, name); // a clear error for an unknown job
  const jobs = await loadAllJobs(project);
  const byName = new Map(jobs.map((j) => [j.job.name, j.job]));
  const producer = new Map(jobs.map((j) => [j.job.output.table, j.job.name]));
  const order: string[] = [];
  const visiting = new Set<string>();
  const visit = (n: string, chain: string[]) => {
    if (order.includes(n)) return;
    if (visiting.has(n)) throw new UsageError(`jobs depend on each other in a cycle: ${[...chain, n].join(' → ')}`, 'a job cannot read, directly or not, the table it writes');
    visiting.add(n);
    for (const spec of Object.values(byName.get(n)!.inputs)) {
      if (spec.format !== 'table') continue;
      const p = producer.get(spec.table);
      if (p && p !== n) visit(p, [...chain, n]);
    }
    visiting.delete(n);
    order.push(n);
  };
  visit(name, []);
  return order;
}
