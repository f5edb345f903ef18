/** The state of the events table in a sandbox, to compare before and after a killed run. */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Sandbox } from '../run/helpers.ts';

/** Content hashes per partition folder (file names carry run ids, contents do not). */
export function tableState(box: Sandbox): string {
  const dir = path.join(box.warehouse, 'analytics', 'events');
  if (!existsSync(dir)) return 'absent';
  const out: string[] = [];
  const walk = (d: string, rel: string) => {
    for (const e of readdirSync(d).sort()) {
      const full = path.join(d, e);
      if (statSync(full).isDirectory()) walk(full, `${rel}${e}/`);
      else if (e.endsWith('.parquet')) out.push(`${rel}:${createHash('sha256').update(readFileSync(full)).digest('hex')}`);
    }
  };
  walk(dir, '');
  const catalog = path.join(box.state, 'catalog', 'analytics', 'events.json');
  const partitions = existsSync(catalog) ? (JSON.parse(readFileSync(catalog, 'utf8')) as { partitions: { values: string[] }[] }).partitions.map((p) => p.values.join('/')) : [];
  return JSON.stringify({ files: out.sort(), partitions });
}
