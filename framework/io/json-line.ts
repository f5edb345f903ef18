/**
 * A strict JSON parser for one line: numbers stay as their source text (int64 exactness),
 * NaN/Infinity and single quotes are refused (as Spark with allowNonNumericNumbers=false and
 * allowSingleQuotes=false), duplicate keys keep the last value (as Spark). Errors name the column.
 */
import { JsonNumber, type JsonValue } from './values.ts';

export class JsonSyntaxError extends Error {
  constructor(
    readonly column: number,
    readonly problem: string,
  ) {
    super(`invalid JSON at column ${column}: ${problem}`);
  }
}

const MAX_DEPTH = 64;

export function parseJsonLine(text: string): JsonValue {
  let i = 0;
  const n = text.length;
  const fail = (problem: string): never => {
    throw new JsonSyntaxError(i + 1, problem);
  };
  const ws = () => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else break;
    }
  };
  const value = (depth: number): JsonValue => {
    if (depth > MAX_DEPTH) fail(`nesting deeper than ${MAX_DEPTH} levels`);
    ws();
    if (i >= n) fail('unexpected end of line (truncated record?)');
    const c = text[i];
    if (c === '{') {
      i++;
      // No prototype: a field named __proto__ or constructor is just a field.
      const obj: Record<string, JsonValue> = Object.create(null) as Record<string, JsonValue>;
      ws();
      if (text[i] === '}') {
        i++;
        return obj;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail(i >= n ? 'unexpected end of line (truncated record?)' : `expected a field name in double quotes, found '${text[i]}'`);
        const key = string();
        ws();
        if (text[i] !== ':') fail(i >= n ? 'unexpected end of line (truncated record?)' : `expected ':' after "${key}"`);
        i++;
        obj[key] = value(depth + 1);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return obj;
        }
        fail(i >= n ? 'unexpected end of line (truncated record?)' : `expected ',' or '}', found '${text[i]}'`);
      }
    }
    if (c === '[') {
      i++;
      const arr: JsonValue[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return arr;
      }
      for (;;) {
        arr.push(value(depth + 1));
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return arr;
        }
        fail(i >= n ? 'unexpected end of line (truncated record?)' : `expected ',' or ']', found '${text[i]}'`);
      }
    }
    if (c === '"') return string();
    if (c === 't' && text.startsWith('true', i)) return (i += 4), true;
    if (c === 'f' && text.startsWith('false', i)) return (i += 5), false;
    if (c === 'n' && text.startsWith('null', i)) return (i += 4), null;
    if (c === '-' || (c >= '0' && c <= '9')) return number();
    if (text.startsWith('NaN', i) || text.startsWith('Infinity', i)) fail('NaN and Infinity are not JSON numbers');
    if (c === "'") fail('strings must use double quotes');
    return fail(`unexpected '${c}'`);
  };
  const number = (): JsonNumber => {
    const m = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
    m.lastIndex = i;
    const r = m.exec(text);
    if (!r) fail('malformed number');
    if (text.startsWith('Infinity', i + 1)) fail('NaN and Infinity are not JSON numbers');
    i += r![0].length;
    return new JsonNumber(r![0]);
  };
  const string = (): string => {
    i++; // opening quote
    let out = '';
    let start = i;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        out += text.slice(start, i);
        i++;
        return out;
      }
      if (c === 92) {
        out += text.slice(start, i);
        const e = text[i + 1];
        i += 2;
        switch (e) {
          case '"':
          case '\\':
          case '/':
            out += e;
            break;
          case 'b':
            out += '\b';
            break;
          case 'f':
            out += '\f';
            break;
          case 'n':
            out += '\n';
            break;
          case 'r':
            out += '\r';
            break;
          case 't':
            out += '\t';
            break;
          case 'u': {
            const hex = text.slice(i, i + 4);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('bad \\u escape');
            out += String.fromCharCode(parseInt(hex, 16));
            i += 4;
            break;
          }
          default:
            i -= 1;
            fail(`bad escape '\\${e ?? ''}'`);
        }
        start = i;
        continue;
      }
      if (c < 0x20) fail('control character in a string (unescaped newline or tab)');
      i++;
    }
    return fail('unterminated string (truncated record?)');
  };
  const v = value(0);
  ws();
  if (i < n) fail(`unexpected '${text[i]}' after the record (two records on one line?)`);
  return v;
}
