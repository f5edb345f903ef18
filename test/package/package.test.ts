/**
 * The package as a user gets it: `npm pack`, the tarball installed into an empty project of
 * its own, and that project's job run, tested and type-checked through the installed `etl`.
 * Slow (a build, an install from the npm cache): about a minute.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT } from '../run/helpers.ts';
import { treeChecksums } from '../support/tree.ts';

const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

let work: string;
let project: string;
let installed: string;
/** What the tarball holds, as `npm pack --json` lists it. */
let packed: string[];
/** The content hash of every file of the installed package, right after the install. */
let installedFiles: Record<string, string>;
let tarballFile: string;

function run(command: string, args: readonly string[], cwd: string): SpawnSyncReturns<string> {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 240_000, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
  if (r.error) throw r.error;
  return r;
}

function succeeds(command: string, args: readonly string[], cwd: string): string {
  const r = run(command, args, cwd);
  expect(r.status, `${command} ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`).toBe(0);
  return r.stdout;
}

function writeProject(dir: string, files: Record<string, string>): void {
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
}

/** A user's project: one job with its schema, sample data and a test case, and its environments. */
const PROJECT_FILES = {
  'package.json': JSON.stringify({ name: 'shop-etl', private: true, type: 'module' }),
  'tsconfig.json': JSON.stringify({
    compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, allowImportingTsExtensions: true, noEmit: true, types: [] },
    include: ['jobs', 'schemas', 'etl.config.ts'],
  }),
  'etl.config.ts': `import { defineConfig } from 'lakeform';

export default defineConfig({
  defaultEnvironment: 'local',
  environments: { local: { kind: 'local' } },
});
`,
  'schemas/orders.ts': `import { z } from 'zod';

export const RawOrder = z.object({ order_id: z.string(), amount: z.number(), status: z.string() });
export const PaidOrder = z.object({ order_id: z.string(), amount: z.number() });
`,
  'jobs/paid_orders.ts': `import { defineJob, jsonLines, table, unique } from 'lakeform';
import { RawOrder, PaidOrder } from '../schemas/orders.ts';

export default defineJob({
  name: 'paid_orders',
  inputs: { orders: jsonLines({ path: 's3://shop-raw/orders/', sample: 'sample/orders/', schema: RawOrder }) },
  transform: ({ orders }) => orders.filter(orders.col('status').eq('paid')).select('order_id', 'amount'),
  output: table('shop.paid_orders', PaidOrder),
  checks: [unique('order_id')],
});
`,
  'sample/orders/part-0.jsonl': '{"order_id":"o1","amount":10.5,"status":"paid"}\n{"order_id":"o2","amount":3,"status":"open"}\n{"order_id":"o3","amount":7,"status":"paid"}\n',
  'jobs/fixtures/paid_orders/keeps_paid/case.json': JSON.stringify({ description: 'only paid orders are kept' }),
  'jobs/fixtures/paid_orders/keeps_paid/orders.jsonl': '{"order_id":"o1","amount":10.5,"status":"paid"}\n{"order_id":"o2","amount":3,"status":"open"}\n',
  'jobs/fixtures/paid_orders/keeps_paid/expected.jsonl': '{"order_id":"o1","amount":10.5}\n',
};

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'lakeform-package-'));
  const [tarball] = JSON.parse(succeeds(NPM, ['pack', '--json', '--pack-destination', work], ROOT)) as { filename: string; files: { path: string }[] }[];
  packed = tarball.files.map((f) => f.path);
  tarballFile = path.join(work, tarball.filename);
  project = path.join(work, 'shop-etl');
  writeProject(project, PROJECT_FILES);
  succeeds(NPM, ['install', '--prefer-offline', '--no-audit', '--no-fund', path.join(work, tarball.filename)], project);
  installed = path.join(project, 'node_modules', 'lakeform');
  installedFiles = treeChecksums(installed, ['.']);
}, 300_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('npm pack', () => {
  it('holds the compiled CLI, both entry points with their types, and the Spark driver; no TypeScript sources', () => {
    expect(packed).toEqual(
      expect.arrayContaining([
        'framework/cli/bin.js',
        'dist/cli.mjs',
        'dist/index.mjs',
        'dist/testing.mjs',
        'dist/types/framework/index.d.ts',
        'dist/types/framework/testing/index.d.ts',
        'deploy/spark/driver.py',
        'deploy/spark/run_cases.py',
        'framework/init/templates/project/jobs/events_clean.ts',
        'framework/init/templates/project/dot-gitignore',
      ]),
    );
    // TypeScript only as etl init's templates, files copied into a new project.
    expect(packed.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.startsWith('framework/init/templates/'))).toEqual([]);
  });

  it('installs without the development dependencies', () => {
    for (const dev of ['vitest', '@duckdb/node-api', 'typescript', 'tsx']) expect(readdirSync(path.join(project, 'node_modules')), dev).not.toContain(dev);
  });
});

describe('the installed package in a project of its own', () => {
  it('runs the job through npx etl and writes Parquet into the project', () => {
    expect(succeeds('npx', ['--no-install', 'etl', 'run', 'paid_orders'], project)).toMatch(/rows written\s+2/);
    const table = path.join(project, 'warehouse', 'shop', 'paid_orders');
    const parquet = readdirSync(table).filter((f) => f.endsWith('.parquet'));
    expect(parquet).toHaveLength(1);
    const bytes = readFileSync(path.join(table, parquet[0]));
    expect(bytes.subarray(0, 4).toString()).toBe('PAR1');
    expect(bytes.subarray(-4).toString()).toBe('PAR1');
  });

  it("passes the project's test case through npx etl test", () => {
    expect(succeeds('npx', ['--no-install', 'etl', 'test'], project)).toMatch(/1 passed, 0 failed/);
  });

  it('makes the same plan as the source checkout, with the Spark driver of this repository', () => {
    const out = path.join(work, 'plan-out');
    const fromPackage = succeeds('npx', ['--no-install', 'etl', 'plan', 'paid_orders', '--out', out], project);
    const fromSources = succeeds(process.execPath, [BIN, 'plan', 'paid_orders'], project);
    const hash = (text: string) => /\(env local, plan ([0-9a-f]{12})\)/.exec(text)?.[1];
    expect(hash(fromPackage)).toBeDefined();
    expect(hash(fromPackage)).toBe(hash(fromSources));
    expect(readFileSync(path.join(out, 'driver.py'), 'utf8')).toBe(readFileSync(path.join(ROOT, 'deploy', 'spark', 'driver.py'), 'utf8'));
  });

  it("type-checks the project against the package's declarations, 'lakeform' and 'lakeform/testing'", () => {
    writeFileSync(path.join(project, 'jobs', 'uses_testing.ts'), "import { testJob, type Row } from 'lakeform/testing';\n\nexport const rows: Row[] = [];\nexport const run: typeof testJob = testJob;\n");
    try {
      succeeds(process.execPath, [TSC, '--noEmit', '-p', project], project);
    } finally {
      rmSync(path.join(project, 'jobs', 'uses_testing.ts'));
    }
  });

  it('fails tsc on a misspelt column, naming it', () => {
    const job = path.join(project, 'jobs', 'paid_orders.ts');
    const source = readFileSync(job, 'utf8');
    writeFileSync(job, source.replace("orders.col('status')", "orders.col('statuss')"));
    try {
      const r = run(process.execPath, [TSC, '--noEmit', '-p', project], project);
      expect(r.status).not.toBe(0);
      expect(r.stdout).toMatch(/jobs\/paid_orders\.ts\(7,\d+\): error TS\d+: .*'"statuss"'/);
    } finally {
      writeFileSync(job, source);
    }
  });

  it('imports lakeform and lakeform/testing from plain JavaScript (the exports map)', () => {
    const script = "const { Dataset } = await import('lakeform'); const testing = await import('lakeform/testing'); console.log(typeof Dataset, typeof testing.testJob);";
    expect(succeeds(process.execPath, ['--input-type=module', '-e', script], project).trim()).toBe('function function');
  });

  it('says how to fix an installation without its prebuilt CLI', () => {
    const broken = path.join(work, 'broken', 'node_modules', 'lakeform');
    cpSync(installed, broken, { recursive: true, filter: (from) => !from.startsWith(path.join(installed, 'dist')) });
    const r = run(process.execPath, [path.join(broken, 'framework', 'cli', 'bin.js'), 'list'], path.join(work, 'broken'));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`this installation of lakeform (${broken}) has no dist/cli.mjs`);
    expect(r.stderr).toMatch(/hint: reinstall lakeform/);
  });

  it('wrote nothing into its own folder while it ran', () => {
    expect(treeChecksums(installed, ['.'])).toEqual(installedFiles);
  });
});

describe('a new project as the README starts it: the tarball installed, then npx etl init', () => {
  it('runs, tests and type-checks the scaffolded job; a misspelt col() fails tsc naming the column', () => {
    const fresh = path.join(work, 'my-lake');
    mkdirSync(fresh);
    succeeds(NPM, ['install', '--prefer-offline', '--no-audit', '--no-fund', tarballFile], fresh);
    expect(succeeds('npx', ['--no-install', 'etl', 'init'], fresh)).toContain('jobs/events_clean.ts');
    expect(succeeds('npx', ['--no-install', 'etl', 'run', 'events_clean'], fresh)).toMatch(/rows written\s+\d+/);
    expect(succeeds('npx', ['--no-install', 'etl', 'test'], fresh)).toMatch(/1 passed, 0 failed/);
    succeeds(process.execPath, [TSC, '--noEmit', '-p', fresh], fresh);
    const job = path.join(fresh, 'jobs', 'events_clean.ts');
    writeFileSync(job, readFileSync(job, 'utf8').replace(".filter(col('event_id').isNotNull())", ".filter(col('event_idd').isNotNull())"));
    const r = run(process.execPath, [TSC, '--noEmit', '-p', fresh], fresh);
    expect(r.status).not.toBe(0);
    expect(r.stdout).toMatch(/jobs\/events_clean\.ts\(\d+,\d+\): error TS\d+:[\s\S]*'"event_idd"'[\s\S]*Did you mean '"event_id"'\?/);
  }, 300_000);
});
