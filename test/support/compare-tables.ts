/** Two Parquet tables compared row for row through DuckDB (scripts/compare-tables.ts, also `npm run compare`). */
export { compareTables } from '../../scripts/compare-tables.ts';
