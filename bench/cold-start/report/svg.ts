import { ms, times } from './format.ts';
import type { ColdStartReport } from './schema.ts';

// Stacked bars of median phase durations per subject, with the floor's median total as a
// dashed line, so the chart reads on its own without the table.

const COLORS = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1'];
const WIDTH = 960;
const LABEL_WIDTH = 230;
const VALUE_WIDTH = 150;
const ROW = 34;
const BAR = 20;
const TOP = 86;

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function niceStep(max: number): number {
  const rough = max / 6;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  return [1, 2, 5, 10].map((f) => f * magnitude).find((step) => step >= rough) ?? rough;
}

export function renderSvg(report: ColdStartReport): string {
  const floor = report.subjects.find((subject) => subject.name === report.floor);
  const totals = report.subjects.map((subject) =>
    subject.phases.reduce((sum, phase) => sum + Math.max(0, phase.duration.median), 0),
  );
  const max = Math.max(...totals, floor?.total.median ?? 0) * 1.05 || 1;
  const plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH;
  const x = (value: number) => LABEL_WIDTH + (value / max) * plot;
  const phaseNames = [...new Set(report.subjects.flatMap((subject) => subject.phases.map((phase) => phase.label)))];
  const color = (label: string) => COLORS[phaseNames.indexOf(label) % COLORS.length];
  const height = TOP + report.subjects.length * ROW + 50;
  const parts: string[] = [];

  parts.push(
    `<text x="${LABEL_WIDTH}" y="24" font-size="16" font-weight="bold">Cold start to first correct answer (${escapeXml(report.target)}, median of ${report.runs} runs)</text>`,
  );
  let legendX = LABEL_WIDTH;
  for (const label of phaseNames) {
    parts.push(`<rect x="${legendX}" y="38" width="12" height="12" fill="${color(label)}"/>`);
    parts.push(`<text x="${legendX + 16}" y="49" font-size="12">${escapeXml(label)}</text>`);
    legendX += 16 + label.length * 7 + 18; // roughly the text's width at 12px
  }

  const step = niceStep(max);
  for (let tick = 0; tick <= max; tick += step) {
    const tx = x(tick).toFixed(1);
    parts.push(`<line x1="${tx}" y1="${TOP - 6}" x2="${tx}" y2="${height - 40}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${tx}" y="${height - 24}" font-size="11" text-anchor="middle">${Math.round(tick)} ms</text>`);
  }

  report.subjects.forEach((subject, row) => {
    const y = TOP + row * ROW;
    parts.push(
      `<text x="${LABEL_WIDTH - 8}" y="${y + BAR / 2 + 4}" font-size="13" text-anchor="end">${escapeXml(subject.name)}</text>`,
    );
    let start = 0;
    for (const phase of subject.phases) {
      const width = Math.max(0, phase.duration.median);
      parts.push(
        `<rect x="${x(start).toFixed(1)}" y="${y}" width="${(x(start + width) - x(start)).toFixed(1)}" height="${BAR}" fill="${color(phase.label)}"><title>${escapeXml(`${subject.name}: ${phase.label} ${ms(width)} ms`)}</title></rect>`,
      );
      start += width;
    }
    parts.push(
      `<text x="${(x(start) + 6).toFixed(1)}" y="${y + BAR / 2 + 4}" font-size="12">${ms(subject.total.median)} ms · ${times(subject.ratioToFloor.median)}</text>`,
    );
  });

  if (floor) {
    const fx = x(floor.total.median).toFixed(1);
    parts.push(
      `<line x1="${fx}" y1="${TOP - 10}" x2="${fx}" y2="${height - 40}" stroke="#222" stroke-width="1.5" stroke-dasharray="5,4"/>`,
    );
    parts.push(
      `<text x="${fx}" y="${TOP - 14}" font-size="11" text-anchor="middle">floor ${ms(floor.total.median)} ms</text>`,
    );
  }

  // The title is what screen readers and tooltips show for the whole chart.
  const summary = report.subjects.map((subject) => `${subject.name} ${ms(subject.total.median)} ms`).join(', ');
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, sans-serif">
<title>${escapeXml(`Cold start to first correct answer, medians: ${summary}`)}</title>
<rect width="100%" height="100%" fill="#fff"/>
${parts.join('\n')}
</svg>
`;
}
