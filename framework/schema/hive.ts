/** Hive/Glue column type names (what Glue's Column.Type and Athena's DDL take). */
import { typeToString, type DataType } from './types.ts';

export function hiveType(t: DataType): string {
  if (t.kind === 'null') throw new Error('a column of type null has no Hive type; cast it');
  // The canonical type names are Hive's (and Spark's DDL names): string, int, bigint, double,
  // decimal(p,s), struct<a:string>, array<...>, map<k,v>.
  return typeToString(t);
}
