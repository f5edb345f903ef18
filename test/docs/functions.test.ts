/**
 * docs/functions.md is generated from the function registry and the DSL (npm run docs:functions):
 * this fails when it is stale, so the reference cannot fall behind the code.
 *
 *   UPDATE_GOLDEN=1 npx vitest run test/docs/functions.test.ts   (or npm run docs:functions)
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as dsl from '../../framework/dsl/functions.ts';
import { aggregateFunctions, scalarFunctions, windowFunctions } from '../../framework/functions/index.ts';
import { FUNCTIONS_DOC, functionReference } from '../../scripts/function-reference.ts';
import { ROOT } from '../run/helpers.ts';

const UPDATE = process.env.UPDATE_GOLDEN === '1';

describe('the function reference (docs/functions.md)', () => {
  const generated = functionReference();

  it('is the one generated from the registry, byte for byte', () => {
    if (UPDATE) writeFileSync(FUNCTIONS_DOC, generated);
    expect(existsSync(FUNCTIONS_DOC), 'docs/functions.md is missing: run npm run docs:functions').toBe(true);
    expect(readFileSync(FUNCTIONS_DOC, 'utf8'), 'docs/functions.md is stale: run npm run docs:functions and commit it').toBe(generated);
  });

  it('lists every DSL function and every registry entry, with its Spark SQL name', () => {
    for (const name of Object.keys(dsl)) expect(generated, name).toContain(`\`${name}(`);
    for (const name of [...scalarFunctions.names(), ...aggregateFunctions.names(), ...windowFunctions.names()]) expect(generated, name).toContain(`| \`${name.replace(/\|/g, '\\|')}\``);
  });

  it("is where the README's expression section points", () => {
    expect(readFileSync(`${ROOT}/README.md`, 'utf8')).toContain('(docs/functions.md)');
  });
});
