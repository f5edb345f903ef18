/**
 * The bench chart (SVG, no library): how time and memory grow with input, one line per system,
 * drawn from every bench/results/rows-<N>.json present. Left: wall time of the three jobs
 * together; right: the highest peak RSS of the three jobs (each runs in its own process).
 */
import type { BenchResults } from './results.ts';

const COLORS: Record<string, string> = { etl: '#d9480f', duckdb: '#1c7ed6', arquero: '#5c940d', polars: '#862e9c', driver: '#d9480f', pyspark: '#1c7ed6' };
const W = 920;
const H = 380;
const PANEL_W = 400;
const PANEL_H = 260;
const MARGIN = { top: 60, left: 70 };

interface Series {
  readonly system: string;
  readonly points: readonly { readonly rows: number; readonly value: number }[];
}

export function renderChart(runs: readonly BenchResults[]): string {
  const sorted = [...runs].sort((a, b) => a.rows - b.rows);
  const systems = [...new Set(sorted.flatMap((r) => r.results.map((x) => x.system)))];
  const series = (value: (r: BenchResults, system: string) => number | null): Series[] =>
    systems.map((system) => ({
      system,
      points: sorted.flatMap((r) => {
        const v = value(r, system);
        return v === null ? [] : [{ rows: r.rows, value: v }];
      }),
    }));
  const of = (r: BenchResults, s: string) => r.results.filter((x) => x.system === s);
  const time = series((r, s) => (of(r, s).length === 3 ? of(r, s).reduce((t, x) => t + x.ms, 0) / 1000 : null));
  const memory = series((r, s) => (of(r, s).length ? Math.max(...of(r, s).map((x) => x.peakRssMb)) : null));
  const machine = sorted[sorted.length - 1]?.machine;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">events_clean + user_sessions + daily_kpis, by input size</text>`,
    machine ? `<text x="${W / 2}" y="40" text-anchor="middle" fill="#555">${escapeXml(`${machine.cpus} cores (${machine.cpu}), Node ${machine.node}; each point the median of ${sorted.map((r) => `${formatRows(r.rows)}: ${r.machine.repeat}`).join(', ')} run(s)`)}</text>` : '',
    panel(time, 'wall time, three jobs (s)', MARGIN.left, MARGIN.top),
    panel(memory, 'peak RSS, largest of the three jobs (MB)', MARGIN.left + PANEL_W + 60, MARGIN.top),
    legend(systems, MARGIN.left, H - 22),
    '</svg>',
  ];
  return parts.filter(Boolean).join('\n') + '\n';
}

function panel(series: readonly Series[], title: string, x0: number, y0: number): string {
  const all = series.flatMap((s) => s.points);
  if (!all.length) return '';
  const maxX = Math.max(...all.map((p) => p.rows));
  const maxY = niceCeil(Math.max(...all.map((p) => p.value)));
  const sx = (rows: number) => x0 + (rows / maxX) * PANEL_W;
  const sy = (v: number) => y0 + PANEL_H - (v / maxY) * PANEL_H;
  const out: string[] = [`<text x="${x0 + PANEL_W / 2}" y="${y0 - 8}" text-anchor="middle" font-weight="bold">${escapeXml(title)}</text>`];
  for (let i = 0; i <= 4; i++) {
    const v = (maxY * i) / 4;
    out.push(`<line x1="${x0}" x2="${x0 + PANEL_W}" y1="${sy(v)}" y2="${sy(v)}" stroke="#e9ecef"/>`);
    out.push(`<text x="${x0 - 6}" y="${sy(v) + 4}" text-anchor="end" fill="#555">${formatNumber(v)}</text>`);
  }
  for (const rows of [...new Set(all.map((p) => p.rows))]) {
    out.push(`<line x1="${sx(rows)}" x2="${sx(rows)}" y1="${y0 + PANEL_H}" y2="${y0 + PANEL_H + 4}" stroke="#555"/>`);
    out.push(`<text x="${sx(rows)}" y="${y0 + PANEL_H + 18}" text-anchor="middle" fill="#555">${formatRows(rows)}</text>`);
  }
  out.push(`<line x1="${x0}" x2="${x0 + PANEL_W}" y1="${y0 + PANEL_H}" y2="${y0 + PANEL_H}" stroke="#555"/>`);
  out.push(`<line x1="${x0}" x2="${x0}" y1="${y0}" y2="${y0 + PANEL_H}" stroke="#555"/>`);
  out.push(`<text x="${x0 + PANEL_W / 2}" y="${y0 + PANEL_H + 34}" text-anchor="middle" fill="#555">events</text>`);
  for (const s of series) {
    if (!s.points.length) continue;
    const color = COLORS[s.system] ?? '#333';
    out.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${s.points.map((p) => `${sx(p.rows).toFixed(1)},${sy(p.value).toFixed(1)}`).join(' ')}"/>`);
    for (const p of s.points) {
      out.push(`<circle cx="${sx(p.rows).toFixed(1)}" cy="${sy(p.value).toFixed(1)}" r="3.5" fill="${color}"><title>${escapeXml(`${s.system}, ${formatRows(p.rows)} events: ${formatNumber(p.value)}`)}</title></circle>`);
    }
    const last = s.points[s.points.length - 1];
    out.push(`<text x="${sx(last.rows) + 6}" y="${sy(last.value) + 4}" fill="${color}" font-size="11">${formatNumber(last.value)}</text>`);
  }
  return out.join('\n');
}

function legend(systems: readonly string[], x: number, y: number): string {
  return systems
    .map((s, i) => `<rect x="${x + i * 130}" y="${y - 10}" width="14" height="4" fill="${COLORS[s] ?? '#333'}"/><text x="${x + i * 130 + 20}" y="${y - 4}">${escapeXml(s === 'duckdb' ? 'duckdb (1 thread)' : s)}</text>`)
    .join('\n');
}

/** At least v, and a round number whose quarters (the grid lines) are round too. */
function niceCeil(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 1.2, 1.6, 2, 2.4, 3.2, 4, 4.8, 6, 8, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

const formatRows = (n: number) => (n >= 1e6 ? `${n / 1e6}M` : n >= 1e3 ? `${n / 1e3}k` : String(n));
const formatNumber = (v: number) => (v === 0 ? '0' : v >= 100 ? Math.round(v).toLocaleString('en-US') : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
