/**
 * docs/graph.svg, the README's picture of the example jobs and pipeline, is what `etl graph
 * --format svg` draws for them. Regenerate after changing an example:
 *
 *   UPDATE_GOLDEN=1 npm run test:examples
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectGraph } from '../../framework/graph/graph.ts';
import { graphSvg } from '../../framework/graph/render.ts';
import { findProject } from '../../framework/run/project.ts';
import { ROOT } from '../run/helpers.ts';

describe('the README picture of the examples', () => {
  it('docs/graph.svg is what etl graph --format svg draws for the example project', async () => {
    const svg = graphSvg(await projectGraph(findProject(ROOT))) + '\n';
    const file = path.join(ROOT, 'docs/graph.svg');
    if (process.env.UPDATE_GOLDEN === '1') return writeFileSync(file, svg);
    expect(existsSync(file), 'docs/graph.svg is missing: UPDATE_GOLDEN=1 npm run test:examples').toBe(true);
    expect(svg).toBe(readFileSync(file, 'utf8'));
  });
});
