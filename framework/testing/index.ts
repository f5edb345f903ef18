/** The testing API: `import { testJob } from 'lakeform/testing'` (see README.md, "Testing your job"). */
export { testJob, type TestJobOptions, type TestJobResult, type TestBadRecord, type OutputRow } from './test-job.ts';
export { compareRows, DEFAULT_FLOAT_TOLERANCE, type RowDiff } from './compare.ts';
export type { Row } from './rows.ts';
export { expectRows, RowsDifferError, type ExpectRowsOptions } from './expect-rows.ts';
export { TestInputError } from './test-job.ts';
