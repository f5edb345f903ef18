import type { CommandModule } from 'yargs';
import { promises as fs } from 'node:fs';
import { findProject } from '../../run/project.ts';
import { projectGraph } from '../../graph/graph.ts';
import { graphDot, graphMermaid, graphSvg, graphText } from '../../graph/render.ts';
import { printJson } from '../output.ts';

type Format = 'text' | 'mermaid' | 'dot' | 'svg';

export const graphCommand: CommandModule<object, { json: boolean; format: Format; out?: string }> = {
  command: 'graph',
  describe: "The project's job graph, from the job files: each job's inputs, the table it writes, and which jobs depend on which",
  builder: (y) =>
    y
      .option('format', { choices: ['text', 'mermaid', 'dot', 'svg'] as const, default: 'text' as Format, describe: 'text for a terminal, svg for a picture, mermaid or dot for other tools' })
      .option('out', { type: 'string', describe: 'Write to this file instead of stdout' })
      .option('json', { type: 'boolean', default: false, describe: 'The graph as JSON: { jobs: [{ name, file, inputs, output, slice }], edges: [{ from, to, table }] }' })
      .example('$0 graph', 'The jobs in order, with what each reads and writes')
      .example('$0 graph --format svg --out docs/graph.svg', 'A picture of the graph') as never,
  handler: async (argv) => {
    const graph = await projectGraph(findProject());
    if (argv.json) return printJson(graph);
    const text = { text: graphText, mermaid: graphMermaid, dot: graphDot, svg: graphSvg }[argv.format](graph) + '\n';
    if (argv.out) await fs.writeFile(argv.out, text);
    else process.stdout.write(text);
  },
};
