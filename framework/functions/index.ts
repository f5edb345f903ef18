/** The registries: every function the DSL can name, defined once. */
import { FunctionRegistry, type AggregateFunction, type ScalarFunction, type WindowFunction } from './registry.ts';
import { arithmeticFunctions } from './arithmetic.ts';
import { comparisonFunctions } from './comparison.ts';
import { logic } from './logic.ts';
import { conditional } from './conditional.ts';
import { math } from './math.ts';
import { strings } from './string.ts';
import { digests } from './digest.ts';
import { sparkHashes } from './spark-hash.ts';
import { datetime } from './datetime.ts';
import { intervalFunctions } from './interval.ts';
import { nested } from './nested.ts';
import { json } from './json.ts';
import { formatString } from './format-string.ts';
import { aggregates } from './aggregates.ts';
import { windowFunctions as rankingAndOffset } from './window.ts';

export const scalarFunctions = new FunctionRegistry<ScalarFunction>('scalar', [...arithmeticFunctions, ...comparisonFunctions, ...logic, ...conditional, ...math, ...strings, ...digests, ...sparkHashes, ...datetime, ...intervalFunctions, ...nested, ...json, formatString]);
export const aggregateFunctions = new FunctionRegistry<AggregateFunction>('aggregate', aggregates);
export const windowFunctions = new FunctionRegistry<WindowFunction>('window', rankingAndOffset);
