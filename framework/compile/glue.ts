/**
 * Glue Data Catalog entries for a job's output table: a TableInput exactly as Glue's
 * CreateTable/UpdateTable take it, and PartitionInputs for written partitions.
 */
import type { CatalogColumn, TableDefinition } from '../catalog/metastore.ts';
import { hiveType } from '../schema/hive.ts';
import type { Compression } from '../io/types.ts';

export interface GlueColumn {
  readonly Name: string;
  readonly Type: string;
  readonly Comment?: string;
  readonly Parameters?: Readonly<Record<string, string>>;
}

export interface GlueStorageDescriptor {
  readonly Columns: readonly GlueColumn[];
  readonly Location: string;
  readonly InputFormat: string;
  readonly OutputFormat: string;
  readonly Compressed: boolean;
  readonly SerdeInfo: { readonly SerializationLibrary: string; readonly Parameters: Readonly<Record<string, string>> };
  readonly StoredAsSubDirectories: boolean;
}

export interface GlueTableInput {
  readonly Name: string;
  readonly Description?: string;
  readonly TableType: 'EXTERNAL_TABLE';
  readonly Parameters: Readonly<Record<string, string>>;
  readonly StorageDescriptor: GlueStorageDescriptor;
  readonly PartitionKeys: readonly GlueColumn[];
}

export interface GluePartitionInput {
  readonly Values: readonly string[];
  readonly StorageDescriptor: GlueStorageDescriptor;
}

export const PARQUET_FORMAT = {
  InputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
  OutputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
  SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
} as const;

/** Athena partition projection for a date partition: new days are queryable without registering them. */
export interface DateProjection {
  readonly column: string;
  /** e.g. '2020-01-01' */
  readonly from: string;
  /** e.g. 'NOW' */
  readonly to: string;
}

export interface TableParametersSpec {
  readonly location: string;
  readonly compression: Compression;
  readonly parameters?: Readonly<Record<string, string>>;
  readonly projection?: DateProjection;
}

/** The table parameters Glue, Athena and Spark read: format, compression, partition projection. */
export function tableParameters(spec: TableParametersSpec): Record<string, string> {
  const parameters: Record<string, string> = {
    classification: 'parquet',
    EXTERNAL: 'TRUE',
    'parquet.compression': spec.compression === 'none' ? 'UNCOMPRESSED' : spec.compression.toUpperCase(),
    ...spec.parameters,
  };
  if (spec.projection) {
    const p = spec.projection;
    Object.assign(parameters, {
      'projection.enabled': 'true',
      [`projection.${p.column}.type`]: 'date',
      [`projection.${p.column}.format`]: 'yyyy-MM-dd',
      [`projection.${p.column}.range`]: `${p.from},${p.to}`,
      [`projection.${p.column}.interval`]: '1',
      [`projection.${p.column}.interval.unit`]: 'DAYS',
      'storage.location.template': `${spec.location.replace(/\/$/, '')}/${p.column}=\${${p.column}}`,
    });
  }
  return sortedRecord(parameters);
}

/**
 * Hive type names carry no nullability. A required column says so in its parameters, and a
 * nested type keeps its exact tree there, so that schema versions read back from Glue compare
 * equal to the job's declared schema.
 */
export const COLUMN_PARAMETERS = { nullable: 'etl.nullable', type: 'etl.type' } as const;

export function glueColumn(c: CatalogColumn): GlueColumn {
  const nested = c.type.kind === 'struct' || c.type.kind === 'array' || c.type.kind === 'map';
  const parameters = {
    ...(c.nullable ? {} : { [COLUMN_PARAMETERS.nullable]: 'false' }),
    ...(nested ? { [COLUMN_PARAMETERS.type]: JSON.stringify(c.type) } : {}),
  };
  return {
    Name: c.name,
    Type: hiveType(c.type),
    ...(c.comment ? { Comment: c.comment } : {}),
    ...(Object.keys(parameters).length ? { Parameters: parameters } : {}),
  };
}

export function storageDescriptor(location: string, columns: readonly CatalogColumn[]): GlueStorageDescriptor {
  return {
    Columns: columns.map(glueColumn),
    Location: location,
    InputFormat: PARQUET_FORMAT.InputFormat,
    OutputFormat: PARQUET_FORMAT.OutputFormat,
    Compressed: false,
    SerdeInfo: { SerializationLibrary: PARQUET_FORMAT.SerializationLibrary, Parameters: { 'serialization.format': '1' } },
    StoredAsSubDirectories: false,
  };
}

/** The TableInput Glue's CreateTable and UpdateTable take for a catalog table definition. */
export function glueTableInput(def: TableDefinition): GlueTableInput {
  return {
    Name: def.name,
    ...(def.description ? { Description: def.description } : {}),
    TableType: 'EXTERNAL_TABLE',
    Parameters: sortedRecord(def.parameters),
    StorageDescriptor: storageDescriptor(def.location, def.columns),
    PartitionKeys: def.partitionKeys.map(glueColumn),
  };
}

export function partitionInput(table: GlueTableInput, values: readonly string[], location: string): GluePartitionInput {
  return { Values: values, StorageDescriptor: { ...table.StorageDescriptor, Location: location } };
}

function sortedRecord(r: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
