/**
 * The job graph for people (text, an SVG picture) and for other tools (Mermaid, Graphviz DOT).
 * Nodes are jobs, the tables they write and read, and the files they read; edges follow the
 * data. The SVG is laid out with dagre (a layered graph layout: a solved problem, not ours to
 * write) and drawn here.
 */
import dagre, { type Edge } from '@dagrejs/dagre';
import type { JobGraph } from './graph.ts';
import { levels } from './graph.ts';

type NodeKind = 'job' | 'table' | 'file';
interface Node {
  readonly id: string;
  readonly kind: NodeKind;
  readonly label: string;
}

/** Jobs, tables and file inputs as nodes; data edges between them. */
function nodesAndEdges(graph: JobGraph): { nodes: Node[]; edges: [string, string][] } {
  const nodes = new Map<string, Node>();
  const edges: [string, string][] = [];
  const add = (n: Node) => (nodes.has(n.id) ? undefined : nodes.set(n.id, n));
  for (const j of graph.jobs) {
    add({ id: `job:${j.name}`, kind: 'job', label: j.slice.length ? `${j.name} (by ${j.slice.join(', ')})` : j.name });
    add({ id: `table:${j.output}`, kind: 'table', label: j.output });
    edges.push([`job:${j.name}`, `table:${j.output}`]);
    for (const i of j.inputs) {
      const id = i.kind === 'table' ? `table:${i.ref}` : `file:${i.ref}`;
      add({ id, kind: i.kind === 'table' ? 'table' : 'file', label: i.kind === 'table' ? i.ref : `${i.ref} (${i.kind})` });
      edges.push([id, `job:${j.name}`]);
    }
  }
  return { nodes: [...nodes.values()], edges };
}

export function graphText(graph: JobGraph): string {
  const byName = new Map(graph.jobs.map((j) => [j.name, j]));
  const lines: string[] = [];
  for (const level of levels(graph)) {
    for (const name of level) {
      const j = byName.get(name)!;
      lines.push(`${j.name}  ${j.file}${j.slice.length ? `, a run per ${j.slice.join(', ')}` : ''}`);
      for (const i of j.inputs) {
        const from = graph.edges.filter((e) => e.to === j.name && e.table === i.ref).map((e) => e.from);
        lines.push(`  reads   ${i.name.padEnd(10)} ${i.kind === 'table' ? `table ${i.ref}${from.length ? `  ← ${from.join(', ')}` : ''}` : `${i.kind}  ${i.ref}`}`);
      }
      lines.push(`  writes  ${j.output}`);
    }
  }
  return lines.join('\n');
}

const mermaidId = (id: string) => id.replace(/[^A-Za-z0-9_]/g, '_');
const quoted = (s: string) => s.replace(/"/g, '#quot;');

export function graphMermaid(graph: JobGraph): string {
  const { nodes, edges } = nodesAndEdges(graph);
  const shape = (n: Node) => (n.kind === 'job' ? `["${quoted(n.label)}"]` : n.kind === 'table' ? `[("${quoted(n.label)}")]` : `[/"${quoted(n.label)}"/]`);
  return ['flowchart LR', ...nodes.map((n) => `  ${mermaidId(n.id)}${shape(n)}`), ...edges.map(([a, b]) => `  ${mermaidId(a)} --> ${mermaidId(b)}`)].join('\n');
}

export function graphDot(graph: JobGraph): string {
  const { nodes, edges } = nodesAndEdges(graph);
  const esc = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  const attrs = (n: Node) => (n.kind === 'job' ? 'shape=box, style="rounded,filled", fillcolor="#dbeafe"' : n.kind === 'table' ? 'shape=cylinder, style=filled, fillcolor="#dcfce7"' : 'shape=note, style=filled, fillcolor="#f3f4f6"');
  return ['digraph jobs {', '  rankdir=LR;', '  node [fontname="Helvetica"];', ...nodes.map((n) => `  ${esc(n.id)} [label=${esc(n.label)}, ${attrs(n)}];`), ...edges.map(([a, b]) => `  ${esc(a)} -> ${esc(b)};`), '}'].join('\n');
}

const FILL: Record<NodeKind, string> = { job: '#dbeafe', table: '#dcfce7', file: '#f3f4f6' };
const STROKE: Record<NodeKind, string> = { job: '#2563eb', table: '#16a34a', file: '#6b7280' };

export function graphSvg(graph: JobGraph): string {
  const { nodes, edges } = nodesAndEdges(graph);
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 24, ranksep: 56, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  // About 7 px a character at 12 px Helvetica.
  for (const n of nodes) g.setNode(n.id, { width: Math.max(80, n.label.length * 7 + 24), height: 34 });
  for (const [a, b] of edges) g.setEdge(a, b);
  dagre.layout(g);
  const { width = 0, height = 0 } = g.graph();
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const shapes = nodes.map((n) => {
    const { x, y, width: w, height: h } = g.node(n.id);
    const box = `<rect x="${x - w / 2}" y="${y - h / 2}" width="${w}" height="${h}" rx="${n.kind === 'job' ? 8 : n.kind === 'table' ? 16 : 2}" fill="${FILL[n.kind]}" stroke="${STROKE[n.kind]}"/>`;
    return `${box}<text x="${x}" y="${y + 4}" text-anchor="middle">${esc(n.label)}</text>`;
  });
  const lines = g.edges().map((e: Edge) => {
    const pts = g.edge(e).points.map((p: { x: number; y: number }) => `${Math.round(p.x)},${Math.round(p.y)}`).join(' ');
    return `<polyline points="${pts}" fill="none" stroke="#6b7280" marker-end="url(#arrow)"/>`;
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${Math.ceil(width)}" height="${Math.ceil(height)}" viewBox="0 0 ${Math.ceil(width)} ${Math.ceil(height)}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#6b7280"/></marker></defs>',
    ...lines,
    ...shapes,
    '</svg>',
  ].join('\n');
}
