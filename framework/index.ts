/** The public API for job files: `import { defineJob, col, ... } from 'lakeform'`. */
export { defineJob, type JobDefinition, type SliceSpec } from './dsl/job.ts';
export { definePipeline, type PipelineDefinition, type PipelineSpec } from './dsl/pipeline.ts';
export { Dataset } from './dsl/dataset.ts';
export { col, lit, interval, Col, Window, type Interval } from './dsl/expr.ts';
export * from './dsl/functions.ts';
export { jsonLines, csv, parquet, catalogTable, type TableSliceWindow } from './dsl/sources.ts';
export { table, type WriteMode, type CompatibilityMode } from './dsl/sinks.ts';
export { unique, notNull, acceptedValues, rowCount, expect, type Check } from './dsl/checks.ts';
export { binary, decimal, lenient } from './schema/zod.ts';
export { masked, type MaskRule } from './schema/mask.ts';
export { T as types, type DataType } from './schema/types.ts';
export { defineConfig } from './config/config.ts';
