/**
 * Spark's DDL type text, as from_json takes its schema: a type (`STRUCT<a: INT, b: ARRAY<STRING>>`,
 * `MAP<STRING, BIGINT>`) or a table schema (`a INT, b STRING`, read as a struct). Keywords in any
 * case, names plain or in backquotes (`` `a b` ``, a backquote doubled), a colon optional inside
 * STRUCT<...>, as Spark's parser reads them. Types lakeform has no column type for (TINYINT, CHAR,
 * ...) and the NOT NULL and COMMENT clauses are refused by name.
 */
import { MAX_DECIMAL_PRECISION, T, field, type DataType, type Field } from '../schema/types.ts';

const PRIMITIVES: Readonly<Record<string, DataType>> = {
  string: T.string,
  boolean: T.boolean,
  int: T.int32,
  integer: T.int32,
  bigint: T.int64,
  long: T.int64,
  double: T.float64,
  float: T.float32,
  real: T.float32,
  date: T.date,
  timestamp: T.timestamp,
  binary: T.binary,
};

const DECIMAL_NAMES = new Set(['decimal', 'dec', 'numeric']);

/** Thrown inside the parser; parseSparkDdl turns it into the problem text. */
class DdlSyntax extends Error {}

/** The type a DDL text names, or why it cannot be read. */
export function parseSparkDdl(text: string): DataType | { readonly problem: string } {
  try {
    return new DdlParser(text).schema();
  } catch (e) {
    if (e instanceof DdlSyntax) return { problem: e.message };
    throw e;
  }
}

class DdlParser {
  private pos = 0;
  constructor(private readonly text: string) {}

  schema(): DataType {
    this.skipSpace();
    if (this.pos === this.text.length) this.fail('the schema is empty');
    // A table schema is `name type, ...`; a type starts with a type name followed by `<`, `(` or the end.
    const start = this.pos;
    const first = this.word();
    this.skipSpace();
    const isType = first !== null && (this.pos === this.text.length || '<('.includes(this.text[this.pos]));
    this.pos = start;
    const type = isType ? this.type() : { kind: 'struct' as const, fields: this.fields(null) };
    this.skipSpace();
    if (this.pos < this.text.length) this.fail(`unexpected '${this.text.slice(this.pos, this.pos + 10)}'`);
    return type;
  }

  private type(): DataType {
    this.skipSpace();
    const at = this.pos;
    const name = this.word()?.toLowerCase();
    if (name === undefined) this.fail('a type name is missing');
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
      this.skipSpace();
      if (this.peek('>')) {
        this.pos++;
        return { kind: 'struct', fields: [] };
      }
      const fields = this.fields('>');
      this.expect('>');
      return { kind: 'struct', fields };
    }
    if (DECIMAL_NAMES.has(name)) return this.decimal();
    const primitive = PRIMITIVES[name];
    if (!primitive) this.fail(`'${this.text.slice(at, this.pos)}' is no type lakeform has (it has STRING BOOLEAN INT BIGINT DOUBLE FLOAT DECIMAL(p,s) DATE TIMESTAMP BINARY ARRAY<..> MAP<..> STRUCT<..>)`);
    return primitive;
  }

  private decimal(): DataType {
    this.skipSpace();
    if (!this.peek('(')) return T.decimal(10, 0);
    this.pos++;
    const precision = this.integer();
    this.skipSpace();
    let scale = 0;
    if (this.peek(',')) {
      this.pos++;
      scale = this.integer();
    }
    this.expect(')');
    if (precision < 1 || precision > MAX_DECIMAL_PRECISION || scale > precision) this.fail(`DECIMAL(${precision},${scale}) is no decimal type: precision must be 1..${MAX_DECIMAL_PRECISION} and scale 0..precision`);
    return T.decimal(precision, scale);
  }

  /** `name type, ...` (a table schema, colons not allowed) or `name[:] type, ...` inside STRUCT<...>. */
  private fields(closing: '>' | null): Field[] {
    const fields: Field[] = [];
    for (;;) {
      this.skipSpace();
      const name = this.name();
      this.skipSpace();
      if (closing && this.peek(':')) this.pos++;
      fields.push(field(name, this.type()));
      this.skipSpace();
      const clause = /^(not\s+null|comment)\b/i.exec(this.text.slice(this.pos));
      if (clause) this.fail(`${clause[1].toUpperCase().replace(/\s+/, ' ')} is not supported in a from_json schema: leave it out (from_json's fields are nullable)`);
      if (!this.peek(',')) return fields;
      this.pos++;
    }
  }

  private name(): string {
    if (!this.peek('`')) return this.word() ?? this.fail('a field name is missing');
    let out = '';
    for (this.pos++; this.pos < this.text.length; this.pos++) {
      if (this.text[this.pos] !== '`') out += this.text[this.pos];
      else if (this.text[this.pos + 1] === '`') out += this.text[this.pos++];
      else {
        this.pos++;
        return out;
      }
    }
    return this.fail('a backquoted name is not closed');
  }

  private word(): string | null {
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.pos));
    if (!m) return null;
    this.pos += m[0].length;
    return m[0];
  }

  private integer(): number {
    this.skipSpace();
    const m = /^\d+/.exec(this.text.slice(this.pos));
    if (!m) this.fail('a number is missing');
    this.pos += m[0].length;
    return Number(m[0]);
  }

  private expect(c: string): void {
    this.skipSpace();
    if (!this.peek(c)) this.fail(`'${c}' is missing`);
    this.pos++;
  }

  private peek(c: string): boolean {
    return this.text[this.pos] === c;
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos])) this.pos++;
  }

  private fail(message: string): never {
    throw new DdlSyntax(`the schema '${this.text}' cannot be read: ${message} (at character ${this.pos + 1})`);
  }
}
