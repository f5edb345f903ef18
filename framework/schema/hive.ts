/** Hive/Glue column type names (what Glue's Column.Type and Athena's DDL take). */
import { T, typeToString, type DataType } from './types.ts';
import { EtlError, InternalError } from '../errors/index.ts';

export function hiveType(t: DataType): string {
  if (t.kind === 'null') throw new InternalError('a column of type null reached the catalog: the analyzer refuses untyped output columns');
  // The canonical type names are Hive's (and Spark's DDL names): string, int, bigint, double,
  // decimal(p,s), struct<a:string>, array<...>, map<k,v>.
  return typeToString(t);
}

/**
 * Parses a Hive/Glue type name back into a DataType, for tables read from Glue. Nested fields
 * come back nullable: Hive type names carry no nullability.
 */
export function parseHiveType(text: string): DataType {
  const parser = new HiveTypeParser(text);
  const t = parser.type();
  parser.end();
  return t;
}

/** A Hive type name lakeform cannot read (from a Glue table another tool made, say). */
export class HiveTypeError extends EtlError {
  override readonly name = 'HiveTypeError';
  readonly phase = 'catalog' as const;
  constructor(problem: string) {
    super(problem, 'lakeform reads Hive primitive, decimal, struct, array and map types');
  }
}

const PRIMITIVES: Record<string, DataType> = {
  string: T.string,
  varchar: T.string,
  char: T.string,
  boolean: T.boolean,
  tinyint: T.int32,
  smallint: T.int32,
  int: T.int32,
  integer: T.int32,
  bigint: T.int64,
  float: T.float32,
  double: T.float64,
  date: T.date,
  timestamp: T.timestamp,
  binary: T.binary,
};

class HiveTypeParser {
  private pos = 0;
  constructor(private readonly text: string) {}

  type(): DataType {
    const name = this.word().toLowerCase();
    if (name === 'decimal') {
      if (!this.take('(')) return T.decimal(10, 0);
      const precision = this.int();
      const scale = this.take(',') ? this.int() : 0;
      this.expect(')');
      return T.decimal(precision, scale);
    }
    if (name === 'varchar' || name === 'char') {
      if (this.take('(')) {
        this.int();
        this.expect(')');
      }
      return T.string;
    }
    if (name === 'array') {
      this.expect('<');
      const element = this.type();
      this.expect('>');
      return { kind: 'array', element, containsNull: true };
    }
    if (name === 'map') {
      this.expect('<');
      const key = this.type();
      this.expect(',');
      const value = this.type();
      this.expect('>');
      return { kind: 'map', key, value, valueContainsNull: true };
    }
    if (name === 'struct') {
      this.expect('<');
      const fields = [];
      do {
        const fieldName = this.word();
        this.expect(':');
        fields.push({ name: fieldName, type: this.type(), nullable: true });
      } while (this.take(','));
      this.expect('>');
      return { kind: 'struct', fields };
    }
    const primitive = PRIMITIVES[name];
    if (!primitive) throw new HiveTypeError(`unknown type '${name}' in '${this.text}'`);
    return primitive;
  }

  end(): void {
    this.skipSpace();
    if (this.pos !== this.text.length) throw new HiveTypeError(`unexpected '${this.text.slice(this.pos)}' in '${this.text}'`);
  }

  private skipSpace(): void {
    while (this.text[this.pos] === ' ') this.pos++;
  }

  private word(): string {
    this.skipSpace();
    const m = /^[A-Za-z_][A-Za-z0-9_]*|^`[^`]+`/.exec(this.text.slice(this.pos));
    if (!m) throw new HiveTypeError(`expected a name at position ${this.pos} of '${this.text}'`);
    this.pos += m[0].length;
    return m[0].replace(/^`|`$/g, '');
  }

  private int(): number {
    this.skipSpace();
    const m = /^\d+/.exec(this.text.slice(this.pos));
    if (!m) throw new HiveTypeError(`expected a number at position ${this.pos} of '${this.text}'`);
    this.pos += m[0].length;
    return Number(m[0]);
  }

  private take(c: string): boolean {
    this.skipSpace();
    if (this.text[this.pos] !== c) return false;
    this.pos++;
    return true;
  }

  private expect(c: string): void {
    if (!this.take(c)) throw new HiveTypeError(`expected '${c}' at position ${this.pos} of '${this.text}'`);
  }
}
