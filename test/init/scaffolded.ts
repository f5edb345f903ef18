/**
 * A project made by `etl init` in a temporary folder, and the CLI of this repository run in it
 * (the job loader maps 'lakeform' and 'zod' to the running CLI, so the project needs no install).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { BIN, sandbox, type CliResult, type Sandbox } from '../run/helpers.ts';

export interface Scaffolded {
  readonly box: Sandbox;
  /** The project folder. */
  readonly dir: string;
  /** Runs `etl <args>` in the project. */
  readonly etl: (args: string[]) => CliResult;
  /** Runs `etl <args> --json` in the project; throws with its stderr when it fails. */
  readonly etlJson: <T = Record<string, unknown>>(args: string[]) => T;
}

export function etlIn(box: Sandbox, cwd: string, args: string[]): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, env: box.env, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** An empty folder in a fresh sandbox, not yet a project. */
export function emptyFolder(name = 'my-lake'): { box: Sandbox; dir: string } {
  const box = sandbox();
  const dir = path.join(box.dir, name);
  mkdirSync(dir);
  return { box, dir };
}

export function scaffolded(): Scaffolded {
  const { box, dir } = emptyFolder();
  const init = etlIn(box, box.dir, ['init', 'my-lake']);
  if (init.status !== 0) throw new Error(`etl init failed (${init.status}):\n${init.stderr}`);
  const etl = (args: string[]) => etlIn(box, dir, args);
  return {
    box,
    dir,
    etl,
    etlJson: <T>(args: string[]) => {
      const r = etl([...args, '--json']);
      if (r.status !== 0) throw new Error(`etl ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
      return JSON.parse(r.stdout) as T;
    },
  };
}
