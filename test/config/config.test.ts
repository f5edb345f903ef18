/** etl.config.ts is validated strictly, and the AWS commands need one. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadEnvironment } from '../../framework/config/config.ts';
import { copyOfTestProject, etlIn } from '../support/project.ts';

function projectWithConfig(config: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'etl-config-'));
  writeFileSync(path.join(dir, 'etl.config.ts'), `export default ${config};\n`);
  return dir;
}

async function configError(config: string): Promise<ConfigError> {
  const error = await loadEnvironment(projectWithConfig(config), 'dev').catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

describe('etl.config.ts', () => {
  it('refuses a misspelt setting, naming its path and the setting meant', async () => {
    const e = await configError(`{ environments: { dev: { region: 'eu-west-1', bucket: 'acme-lake', emr: { clusterID: 'j-2AXXXXXXGAPLF' } } } }`);
    expect(e.message).toContain('etl.config.ts is not valid');
    expect(e.message).toContain("environments.dev.emr: unknown setting 'clusterID' (did you mean 'clusterId'?)");
    expect(e.hint).toMatch(/fix the listed settings/);
  });

  it('refuses misspelt settings at every level: the top, an environment, a target', async () => {
    const e = await configError(
      `{ defaultEnviroment: 'dev', environments: { dev: { region: 'eu-west-1', bucket: 'acme-lake', sparkconf: {}, target: 'glue', glue: { role: 'r', maxCapacity: 2 } } } }`,
    );
    expect(e.message).toContain("the top level: unknown setting 'defaultEnviroment' (did you mean 'defaultEnvironment'?)");
    expect(e.message).toContain("environments.dev: unknown setting 'sparkconf' (did you mean 'sparkConf'?)");
    // Nothing close: the settings that exist there are listed.
    expect(e.message).toMatch(/environments\.dev\.glue: unknown setting 'maxCapacity' \(the settings here: role, version, workerType, numberOfWorkers/);
  });

  it('still accepts the example project\'s config', async () => {
    const env = await loadEnvironment(path.resolve('.'), 'dev');
    expect(env).toMatchObject({ name: 'dev', bucket: 'acme-lake-dev' });
  });

  it('without etl.config.ts, an AWS command stops with a clear error instead of a made-up bucket', () => {
    const dir = copyOfTestProject();
    rmSync(path.join(dir, 'etl.config.ts'));
    for (const command of [['deploy', '--dry-run'], ['status']]) {
      const r = etlIn(dir, command, { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_ENDPOINT_URL: 'http://127.0.0.1:9' });
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(`etl ${command[0]} talks to AWS, and this project has no etl.config.ts`);
      expect(r.stderr).not.toContain('my-data-lake');
    }
  });
});
