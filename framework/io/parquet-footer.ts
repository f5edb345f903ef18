/**
 * The Parquet footer, read by us before parquet-wasm sees the file, for what parquet-wasm cannot
 * tell or gets wrong:
 * - the physical and logical type of every column (INT96, FLOAT16, unannotated BYTE_ARRAY),
 *   so a refusal can name the feature and a value is never read under the wrong type;
 * - the row counts (the footer's num_rows against the sum of its row groups: a file whose
 *   footer says 0 rows while its row group holds 6 is refused, never read as empty);
 * - each column chunk's uncompressed size, so a chunk that cannot fit in memory is refused
 *   before the decoder tries and traps;
 * - fields written with the wrong Thrift type by some writers (Dremio's parquet-mr fork writes a
 *   list where the spec has bloom_filter_length): optional ones are dropped, as DuckDB and
 *   Arrow C++ ignore them, and parquet-wasm gets the amended footer;
 * - a footer num_rows that differs from the sum of its row groups' (a parquet-mr bug wrote 0
 *   with 6 rows in the row group): every reader we compare with (DuckDB, Arrow C++, parquet-mr)
 *   reads the row groups, so the footer is amended to their sum, and the reader checks that the
 *   row groups do yield that many rows.
 * INT96 is read exactly by handing parquet-wasm an Arrow schema hint that asks for
 * microseconds (arrow-rs otherwise converts INT96 to 64-bit nanoseconds, which wrap after 2262).
 */
import { CompactReader, CompactWriter, TType, fieldOf, type TField, type TList, type TStruct, type TValue } from './thrift-compact.ts';

export const enum Physical {
  BOOLEAN = 0, INT32 = 1, INT64 = 2, INT96 = 3, FLOAT = 4, DOUBLE = 5, BYTE_ARRAY = 6, FIXED_LEN_BYTE_ARRAY = 7,
}

export const PHYSICAL_NAMES = ['BOOLEAN', 'INT32', 'INT64', 'INT96', 'FLOAT', 'DOUBLE', 'BYTE_ARRAY', 'FIXED_LEN_BYTE_ARRAY'];

/** One element of the footer's flattened schema, as a tree. */
export interface SchemaNode {
  readonly name: string;
  /** Dotted path from the root's children. */
  readonly path: string;
  readonly physical?: Physical;
  readonly typeLength?: number;
  readonly repetition?: 'required' | 'optional' | 'repeated';
  readonly convertedType?: number;
  /** The id of the logical type union's member (1 STRING ... 15 FLOAT16), if any. */
  readonly logicalType?: number;
  readonly children: readonly SchemaNode[];
}

export interface Footer {
  readonly struct: TStruct;
  /** Where the footer starts in the file. */
  readonly offset: number;
  readonly numRows: bigint;
  readonly rowGroupRows: readonly bigint[];
  /** Top-level columns. */
  readonly columns: readonly SchemaNode[];
  /** Per row group, per leaf column path: uncompressed bytes of its chunk. */
  readonly chunkBytes: readonly ReadonlyMap<string, bigint>[];
  /** What was amended, as `FileMetaData.4.1.3.15` (a mistyped optional field dropped) or `FileMetaData.num_rows`. */
  readonly amended: readonly string[];
}

export class FooterError extends Error {
  override readonly name: string = 'FooterError';
}

export const LOGICAL_FLOAT16 = 15;
const LOGICAL_NAMES: Record<number, string> = {
  1: 'STRING', 2: 'MAP', 3: 'LIST', 4: 'ENUM', 5: 'DECIMAL', 6: 'DATE', 7: 'TIME', 8: 'TIMESTAMP', 10: 'INTEGER', 11: 'UNKNOWN', 12: 'JSON',
  13: 'BSON', 14: 'UUID', 15: 'FLOAT16', 16: 'VARIANT', 17: 'GEOMETRY', 18: 'GEOGRAPHY',
};
export const logicalName = (id: number): string => LOGICAL_NAMES[id] ?? `logical type #${id}`;
const CONVERTED_NAMES = [
  'UTF8', 'MAP', 'MAP_KEY_VALUE', 'LIST', 'ENUM', 'DECIMAL', 'DATE', 'TIME_MILLIS', 'TIME_MICROS', 'TIMESTAMP_MILLIS', 'TIMESTAMP_MICROS',
  'UINT_8', 'UINT_16', 'UINT_32', 'UINT_64', 'INT_8', 'INT_16', 'INT_32', 'INT_64', 'JSON', 'BSON', 'INTERVAL',
];
/** The legacy converted type's name (UINT_32, TIMESTAMP_MILLIS, ...): more telling than a logical type's bare name for integers. */
export const convertedName = (id: number): string => CONVERTED_NAMES[id] ?? `converted type #${id}`;

/** Reads and parses the footer of a Parquet file given as a Blob. */
export async function readFooter(blob: Blob): Promise<Footer> {
  if (blob.size < 12) throw new FooterError(`is ${blob.size} bytes long, too short for a Parquet file`);
  const tail = new Uint8Array(await blob.slice(blob.size - 8).arrayBuffer());
  const magic = String.fromCharCode(...tail.subarray(4));
  if (magic === 'PARE') throw new FooterError('is an encrypted Parquet file (its footer is encrypted), which lakeform cannot decrypt');
  if (magic !== 'PAR1') throw new FooterError('does not end with the Parquet magic bytes PAR1 (truncated, or not Parquet at all)');
  const length = new DataView(tail.buffer).getUint32(0, true);
  const offset = blob.size - 8 - length;
  if (length === 0 || offset < 4) throw new FooterError(`claims a footer of ${length} bytes in a file of ${blob.size} (truncated?)`);
  const bytes = new Uint8Array(await blob.slice(offset, blob.size - 8).arrayBuffer());
  let struct: TStruct;
  try {
    struct = new CompactReader(bytes).struct();
  } catch (e) {
    throw new FooterError(`has a damaged footer (${(e as Error).message})`);
  }
  return describe(struct, offset);
}

function describe(struct: TStruct, offset: number): Footer {
  const amended = normalise(struct, FILE_METADATA, 'FileMetaData');
  amended.push(...dropImpossibleDictionaryOffsets(struct));
  const schema = listOf(struct, 2).filter(isStruct);
  if (schema.length === 0) throw new FooterError('has a footer without a schema');
  const rowGroups = listOf(struct, 4).filter(isStruct);
  const rowGroupRows = rowGroups.map((rg) => int64(rg, 3) ?? 0n);
  const numRows = rowGroupRows.reduce((a, b) => a + b, 0n);
  const written = int64(struct, 3);
  if (written !== numRows) {
    fieldOf(struct, 3)!.value = numRows;
    amended.push(`FileMetaData.num_rows (${written} in the file, ${numRows} in its row groups)`);
  }
  const chunkBytes = rowGroups.map((rg) => {
    const m = new Map<string, bigint>();
    for (const cc of listOf(rg, 1).filter(isStruct)) {
      const meta = fieldOf(cc, 3)?.value;
      if (!meta || !isStruct(meta)) continue;
      const path = listOf(meta, 3).map((p) => (p instanceof Uint8Array ? utf8(p) : '')).join('.');
      m.set(path, int64(meta, 6) ?? 0n);
    }
    return m;
  });
  let at = 1;
  const build = (prefix: string): SchemaNode => {
    const el = schema[at++];
    if (!el) throw new FooterError('has a schema whose child counts exceed its elements');
    const name = utf8(fieldOf(el, 4)?.value as Uint8Array | undefined);
    const path = prefix ? `${prefix}.${name}` : name;
    const n = num(el, 5) ?? 0;
    const children: SchemaNode[] = [];
    for (let i = 0; i < n; i++) children.push(build(path));
    const rep = num(el, 3);
    const logical = fieldOf(el, 10)?.value;
    return {
      name,
      path,
      ...(num(el, 1) !== undefined && n === 0 ? { physical: num(el, 1) as Physical } : {}),
      ...(num(el, 2) !== undefined ? { typeLength: num(el, 2)! } : {}),
      ...(rep !== undefined ? { repetition: (['required', 'optional', 'repeated'] as const)[rep] ?? 'optional' } : {}),
      ...(num(el, 6) !== undefined ? { convertedType: num(el, 6)! } : {}),
      ...(logical && isStruct(logical) && logical.fields[0] ? { logicalType: logical.fields[0].id } : {}),
      children,
    };
  };
  const columns: SchemaNode[] = [];
  const top = num(schema[0], 5) ?? 0;
  for (let i = 0; i < top; i++) columns.push(build(''));
  return { struct, offset, numRows, rowGroupRows, columns, chunkBytes, amended };
}

/** Leaves under a node (the node itself for a primitive). */
export function leaves(n: SchemaNode): SchemaNode[] {
  return n.children.length === 0 ? [n] : n.children.flatMap(leaves);
}

// ---------- amending the footer

/** The footer with key-value entry `key` set to `value`, as bytes of a whole file tail (footer, length, PAR1). */
export function footerTail(footer: Footer, kv?: { key: string; value: string }): Uint8Array<ArrayBuffer> {
  const struct: TStruct = { kind: 'struct', fields: footer.struct.fields.map((f) => ({ ...f })) };
  if (kv) {
    const enc = new TextEncoder();
    const entry: TStruct = { kind: 'struct', fields: [{ id: 1, type: TType.BINARY, value: enc.encode(kv.key) }, { id: 2, type: TType.BINARY, value: enc.encode(kv.value) }] };
    let f = fieldOf(struct, 5);
    if (!f) {
      f = { id: 5, type: TType.LIST, value: { kind: 'list', wire: TType.LIST, elementType: TType.STRUCT, items: [] } };
      struct.fields.push(f);
      struct.fields.sort((a, b) => a.id - b.id);
    }
    const list = f.value as TList;
    const items = list.items.filter((it) => !(isStruct(it) && utf8(fieldOf(it, 1)?.value as Uint8Array) === kv.key));
    f.value = { ...list, items: [...items, entry] };
  }
  const w = new CompactWriter();
  w.struct(struct);
  const body = w.bytes();
  const out = new Uint8Array(body.length + 8);
  out.set(body);
  new DataView(out.buffer).setUint32(body.length, body.length, true);
  out.set([0x50, 0x41, 0x52, 0x31], body.length + 4);
  return out;
}

// ---------- the spec's wire types, for dropping mistyped optional fields

type Spec = { readonly [id: number]: { readonly type: TType; readonly required?: boolean; readonly struct?: Spec; readonly list?: TType; readonly listStruct?: Spec } };

const KEY_VALUE: Spec = { 1: { type: TType.BINARY, required: true }, 2: { type: TType.BINARY } };
const STATISTICS: Spec = { 1: { type: TType.BINARY }, 2: { type: TType.BINARY }, 3: { type: TType.I64 }, 4: { type: TType.I64 }, 5: { type: TType.BINARY }, 6: { type: TType.BINARY } };
const ENCODING_STATS: Spec = { 1: { type: TType.I32, required: true }, 2: { type: TType.I32, required: true }, 3: { type: TType.I32, required: true } };
const SIZE_STATISTICS: Spec = { 1: { type: TType.I64 }, 2: { type: TType.LIST, list: TType.I64 }, 3: { type: TType.LIST, list: TType.I64 } };
const COLUMN_META: Spec = {
  1: { type: TType.I32, required: true }, 2: { type: TType.LIST, required: true, list: TType.I32 }, 3: { type: TType.LIST, required: true, list: TType.BINARY },
  4: { type: TType.I32, required: true }, 5: { type: TType.I64, required: true }, 6: { type: TType.I64, required: true }, 7: { type: TType.I64, required: true },
  8: { type: TType.LIST, list: TType.STRUCT, listStruct: KEY_VALUE }, 9: { type: TType.I64, required: true }, 10: { type: TType.I64 }, 11: { type: TType.I64 },
  12: { type: TType.STRUCT, struct: STATISTICS }, 13: { type: TType.LIST, list: TType.STRUCT, listStruct: ENCODING_STATS }, 14: { type: TType.I64 }, 15: { type: TType.I32 },
  16: { type: TType.STRUCT, struct: SIZE_STATISTICS },
};
const COLUMN_CHUNK: Spec = {
  1: { type: TType.BINARY }, 2: { type: TType.I64, required: true }, 3: { type: TType.STRUCT, struct: COLUMN_META }, 4: { type: TType.I64 }, 5: { type: TType.I32 },
  6: { type: TType.I64 }, 7: { type: TType.I32 },
};
const ROW_GROUP: Spec = {
  1: { type: TType.LIST, required: true, list: TType.STRUCT, listStruct: COLUMN_CHUNK }, 2: { type: TType.I64, required: true }, 3: { type: TType.I64, required: true },
  5: { type: TType.I64 }, 6: { type: TType.I64 }, 7: { type: TType.I16 },
};
const SCHEMA_ELEMENT: Spec = {
  1: { type: TType.I32 }, 2: { type: TType.I32 }, 3: { type: TType.I32 }, 4: { type: TType.BINARY, required: true }, 5: { type: TType.I32 }, 6: { type: TType.I32 },
  7: { type: TType.I32 }, 8: { type: TType.I32 }, 9: { type: TType.I32 }, 10: { type: TType.STRUCT },
};
const FILE_METADATA: Spec = {
  1: { type: TType.I32, required: true }, 2: { type: TType.LIST, required: true, list: TType.STRUCT, listStruct: SCHEMA_ELEMENT }, 3: { type: TType.I64, required: true },
  4: { type: TType.LIST, required: true, list: TType.STRUCT, listStruct: ROW_GROUP }, 5: { type: TType.LIST, list: TType.STRUCT, listStruct: KEY_VALUE }, 6: { type: TType.BINARY },
};

const wireMatches = (f: TField, want: TType) => f.type === want || (want === TType.TRUE && f.type === TType.FALSE);

/** Drops optional fields whose wire type differs from the spec; a mistyped required field is a damaged footer. */
function normalise(s: TStruct, spec: Spec, where: string): string[] {
  const amended: string[] = [];
  s.fields = s.fields.filter((f) => {
    const want = spec[f.id];
    if (!want) return true;
    const ok = wireMatches(f, want.type) && (want.list === undefined || (f.value as TList).elementType === want.list || (f.value as TList).items.length === 0);
    if (!ok) {
      if (want.required) {
        const got = f.type === TType.LIST ? `a list of Thrift type ${(f.value as TList).elementType}` : `Thrift type ${f.type}`;
        const expected = want.list !== undefined ? `a list of Thrift type ${want.list}` : `Thrift type ${want.type}`;
        throw new FooterError(`has a damaged footer (${where} field ${f.id} is ${got} where the format has ${expected})`);
      }
      amended.push(`${where}.${f.id}`);
      return false;
    }
    if (want.struct) amended.push(...normalise(f.value as TStruct, want.struct, `${where}.${f.id}`));
    if (want.listStruct) for (const item of (f.value as TList).items) amended.push(...normalise(item as TStruct, want.listStruct, `${where}.${f.id}`));
    return true;
  });
  return [...new Set(amended)];
}

/**
 * A dictionary_page_offset inside the leading magic bytes (0, as parquet-mr 1.12 forks wrote) is
 * no offset at all: parquet-mr and Arrow C++ ignore it, arrow-rs reads the magic as a page header.
 */
function dropImpossibleDictionaryOffsets(struct: TStruct): string[] {
  const amended: string[] = [];
  for (const rg of listOf(struct, 4).filter(isStruct)) {
    for (const cc of listOf(rg, 1).filter(isStruct)) {
      const meta = fieldOf(cc, 3)?.value;
      if (!meta || !isStruct(meta)) continue;
      const at = int64(meta, 11);
      if (at !== undefined && at < 4n) {
        meta.fields = meta.fields.filter((f) => f.id !== 11);
        amended.push('ColumnMetaData.dictionary_page_offset');
      }
    }
  }
  return [...new Set(amended)];
}

// ---------- small accessors

const isStruct = (v: TValue | undefined): v is TStruct => typeof v === 'object' && v !== null && !(v instanceof Uint8Array) && (v as TStruct).kind === 'struct';
const listOf = (s: TStruct, id: number): TValue[] => {
  const v = fieldOf(s, id)?.value;
  return typeof v === 'object' && v !== null && (v as TList).kind === 'list' ? (v as TList).items : [];
};
const num = (s: TStruct, id: number): number | undefined => {
  const v = fieldOf(s, id)?.value;
  return typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : undefined;
};
const int64 = (s: TStruct, id: number): bigint | undefined => {
  const v = fieldOf(s, id)?.value;
  return typeof v === 'bigint' ? v : typeof v === 'number' ? BigInt(v) : undefined;
};
const decoder = new TextDecoder();
const utf8 = (b: Uint8Array | undefined): string => (b ? decoder.decode(b) : '');
