/**
 * The compile-time half of binding a transform's result to a declared output schema: what the
 * types can tell. The analyzer (framework/analyze/output.ts) checks the rest at run time.
 *
 * The DSL's value types are approximate (`col('x')` is `unknown` until a verb meets it, `sum` is a
 * number whatever Spark gives), so only what is certain is reported:
 * - a column the schema declares that the result does not have, and one the result has that the
 *   schema lacks, when the result's columns are known (not an index signature);
 * - a column whose value is known to be of another kind: text, a number (number and bigint are one
 *   kind: int64 columns are bigint in zod and the DSL's aggregates are number) or a boolean, with
 *   no kind in common (a decimal, `string | number` in zod, fits both text and a number).
 * Nullability is not compared: a filter cannot narrow a type, and nulls in a required column are
 * refused row by row at run time.
 */
import type { Names } from './dataset.ts';

/**
 * `unknown` when the result fits (as far as types can tell), else an object naming each problem.
 * A Row without columns is one TypeScript did not infer: when another argument of defineJob is in
 * error, the compiler retries without the transform, and a second error here would only mislead.
 */
export type OutputMismatch<Row, Out> = string extends keyof Row
  ? unknown
  : [keyof Row] extends [never]
    ? unknown
  : string extends keyof Out
    ? unknown
    : Problems<Row, Out> extends infer P
      ? [keyof P] extends [never]
        ? unknown
        : P
      : never;

// Column names match whatever their case, as in Spark and the analyzer.
type Problems<Row, Out> = {
  readonly [K in Names<Out> as Lowercase<K> extends Lowercase<Names<Row>> ? never : `the transform's result lacks column '${K}'`]: K;
} & {
  readonly [K in Names<Row> as Lowercase<K> extends Lowercase<Names<Out>> ? never : `the transform's result has column '${K}' that the output schema lacks`]: K;
} & {
  readonly [K in Names<Out> as KindMismatch<ValueAt<Row, K>, Out[K]> extends true ? `column '${K}' is ${Kind<ValueAt<Row, K>>} in the transform's result but ${Kind<Out[K]>} in the output schema` : never]: K;
};

/** The value type of Row's column named `name` in any case (unknown when there is none). */
type ValueAt<Row, Name extends string> = { [K in Names<Row>]: Lowercase<K> extends Lowercase<Name> ? Row[K] : never }[Names<Row>] extends infer V
  ? [V] extends [never] ? unknown : V
  : unknown;

/** The kind of a value for this comparison; 'other' for what is not compared (objects, arrays, unknown). */
type Kind<T> = unknown extends T ? 'other' : KindOf<NonNullable<T>>;
type KindOf<T> = T extends string ? 'text' : T extends number | bigint ? 'a number' : T extends boolean ? 'a boolean' : 'other';

// Kinds that share nothing: a decimal (`string | number` in zod) fits a number and fits text.
type KindMismatch<A, B> = 'other' extends Kind<A> | Kind<B> ? false : [Extract<Kind<A>, Kind<B>>] extends [never] ? true : false;
