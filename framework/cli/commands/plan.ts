import type { CommandModule } from 'yargs';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import pc from 'picocolors';
import { findProject } from '../../run/project.ts';
import { UsageError } from '../../errors/index.ts';
import { prepareJob } from '../../run/run-job.ts';
import { compileJob, planJsonView, stableJson } from '../../compile/compile-job.ts';
import { loadEnvironment } from '../../config/config.ts';
import { driverSource } from '../../compile/driver.ts';
import { compilePipelineFor } from '../../pipelines/compile.ts';
import { printJson, table } from '../output.ts';
import { jobOptions, runOptionsFrom, withOptions, type JobArgs, type OptionSpec } from './common.ts';

export const PLAN_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  env: { type: 'string', describe: 'Environment from etl.config.ts (bucket, database names, EMR target)' },
  pipeline: { type: 'string', describe: 'Compile this pipeline (pipelines/<name>.ts) instead of a job: its Step Functions state machine and schedule' },
  out: { type: 'string', describe: 'Write the artifacts (plan.json, job.sql, driver.py) into this folder' },
};

export const planCommand: CommandModule<object, JobArgs & { env?: string; out?: string; pipeline?: string }> = {
  command: 'plan [job]',
  describe: 'Compile a job for the cluster: Glue table, Spark SQL, driver plan artifact and EMR step (nothing is sent)',
  builder: (y) =>
    withOptions(jobOptions(y), PLAN_OPTIONS)
      .check((a) => {
        if (!a.job === !a.pipeline) throw new UsageError('name a job or a pipeline, one of them', 'etl plan <job>, or etl plan --pipeline <name>');
        return true;
      })
      .example('$0 plan events_clean --json', 'The compiled plan as one JSON object')
      .example('$0 plan --pipeline daily --env glue-dev --json', "A pipeline's state machine (Amazon States Language) and schedule")
      .example('$0 plan events_clean --env dev --out build/', 'Write the artifacts that `etl deploy` uploads') as never,
  handler: async (argv) => {
    const project = findProject();
    const env = await loadEnvironment(project.root, argv.env);
    if (argv.pipeline) {
      const { compiled } = await compilePipelineFor(project, argv.pipeline, env);
      if (argv.json) return printJson(compiled);
      process.stdout.write(
        [
          `${pc.bold(`pipeline ${compiled.name}`)} ${pc.dim(`(env ${compiled.env}: state machine ${compiled.stateMachine.name})`)}`,
          compiled.schedule ? `schedule ${compiled.schedule.ScheduleExpression} ${compiled.schedule.ScheduleExpressionTimezone}` : 'no schedule: started by etl pipeline run',
          ...Object.entries(compiled.plans).map(([job, p]) => `  ${job.padEnd(20)} ${pc.dim(p.planUri)}`),
          '',
          JSON.stringify(compiled.stateMachine.definition, null, 2),
        ].join('\n') + '\n',
      );
      return;
    }
    const prepared = await prepareJob(project, argv.job, { ...runOptionsFrom(argv), resolveInputs: false });
    const compiled = compileJob(prepared, env);
    if (argv.out) {
      await fs.mkdir(argv.out, { recursive: true });
      await fs.writeFile(path.join(argv.out, 'plan.json'), stableJson(compiled.artifact) + '\n');
      await fs.writeFile(path.join(argv.out, 'job.sql'), compiled.spark.sql + '\n');
      const driver = await driverSource();
      if (driver !== undefined) await fs.writeFile(path.join(argv.out, 'driver.py'), driver);
    }
    if (argv.json) {
      return printJson(planJsonView(compiled));
    }
    const t = compiled.glue.tableInput;
    const lines = [
      `${pc.bold(compiled.job)} ${pc.dim(`(env ${compiled.env}, plan ${compiled.planHash.slice(0, 12)})`)}`,
      '',
      `${pc.bold('Glue table')} ${compiled.glue.databaseName}.${t.Name} ${pc.dim(t.StorageDescriptor.Location)}`,
      table(['column', 'type', 'comment'], [...t.StorageDescriptor.Columns.map((c) => [c.Name, c.Type, c.Comment ?? '']), ...t.PartitionKeys.map((c) => [`${c.Name} ${pc.dim('(partition)')}`, c.Type, c.Comment ?? ''])]),
      '',
      pc.bold('Spark SQL'),
      compiled.spark.sql,
      '',
      pc.bold('EMR step'),
      `  name    ${compiled.emr.step.Name}`,
      `  args    ${compiled.emr.step.HadoopJarStep.Args.join(' ')}`,
      `  on failure ${compiled.emr.step.ActionOnFailure}`,
      compiled.emr.clusterId
        ? `  cluster ${compiled.emr.clusterId}`
        : compiled.emr.runJobFlow
          ? `  cluster a transient ${compiled.emr.runJobFlow.ReleaseLabel} cluster (${compiled.emr.runJobFlow.Instances.InstanceCount} × ${compiled.emr.runJobFlow.Instances.MasterInstanceType}, Glue Data Catalog as metastore)`
          : `  cluster none configured (set emr.clusterId or emr.transient in etl.config.ts)`,
    ];
    if (argv.out) lines.push('', `artifacts written to ${argv.out}/`);
    process.stdout.write(lines.join('\n') + '\n');
  },
};
