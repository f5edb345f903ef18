/** The inputs `etl new job --from` makes a job for: files of a format, or a catalog table. */
export const INPUT_FORMATS = ['jsonl', 'csv', 'parquet', 'table'] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];
