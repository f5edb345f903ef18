/**
 * Glue Data Catalog entries for a job's output table: a TableInput exactly as Glue's
 * CreateTable/UpdateTable take it, and PartitionInputs for written partitions.
 */
import type { Field } from '../schema/types.ts';
import { hiveType } from '../schema/hive.ts';
import type { Compression } from '../io/types.ts';

export interface GlueColumn {
  readonly Name: string;
  readonly Type: string;
  readonly Comment?: string;
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

export interface TableInputSpec {
  readonly table: string;
  readonly description?: string;
  readonly location: string;
  readonly dataColumns: readonly Field[];
  readonly partitionColumns: readonly Field[];
  readonly compression: Compression;
  readonly parameters?: Readonly<Record<string, string>>;
  readonly projection?: DateProjection;
}

export function glueColumn(f: Field): GlueColumn {
  return f.comment ? { Name: f.name, Type: hiveType(f.type), Comment: f.comment } : { Name: f.name, Type: hiveType(f.type) };
}

export function storageDescriptor(location: string, columns: readonly Field[]): GlueStorageDescriptor {
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

export function tableInput(spec: TableInputSpec): GlueTableInput {
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
  const sorted = Object.fromEntries(Object.entries(parameters).sort(([a], [b]) => (a < b ? -1 : 1)));
  return {
    Name: spec.table,
    ...(spec.description ? { Description: spec.description } : {}),
    TableType: 'EXTERNAL_TABLE',
    Parameters: sorted,
    StorageDescriptor: storageDescriptor(spec.location, spec.dataColumns),
    PartitionKeys: spec.partitionColumns.map(glueColumn),
  };
}

export function partitionInput(table: GlueTableInput, values: readonly string[], location: string): GluePartitionInput {
  return { Values: values, StorageDescriptor: { ...table.StorageDescriptor, Location: location } };
}
