import { describe, expect, it } from 'vitest';
import { LOCAL_MILESTONES } from '../subjects/subject.ts';
import { buildReport, type MeasuredSubject } from './build-report.ts';
import { renderMarkdown } from './markdown.ts';
import { REPORT_SCHEMA } from './schema.ts';
import { renderSvg } from './svg.ts';
import { renderTable } from './table.ts';

const subject = (name: string, kind: MeasuredSubject['kind'], totals: number[]): MeasuredSubject => ({
  name,
  kind,
  request: 'GET /x',
  milestones: LOCAL_MILESTONES,
  samples: totals.map((total) => ({
    listening: total * 0.6,
    ready: total * 0.7,
    firstAnswer: total,
    rssBytes: 50 * 2 ** 20,
    cpuMs: total / 2,
  })),
});

const report = buildReport({
  target: 'local',
  runs: 3,
  floor: subject('floor (node:http)', 'floor', [40, 50, 60]),
  subjects: [subject('auth', 'function', [70, 75, 100]), subject('peer (faas-js-runtime)', 'peer', [400, 450, 500])],
  now: new Date('2026-11-26T12:00:00Z'),
});

describe('the cold-start report', () => {
  it('summarises every phase and the total, and relates each subject to the floor', () => {
    expect(report.schema).toBe(REPORT_SCHEMA);
    expect(report.floor).toBe('floor (node:http)');
    const auth = report.subjects.find((s) => s.name === 'auth');
    expect(auth?.total).toEqual({ min: 70, median: 75, p90: 95, max: 100 });
    expect(auth?.ratioToFloor.median).toBeCloseTo(1.5);
    expect(auth?.phases.map((p) => p.name)).toEqual(['listening', 'ready', 'firstAnswer']);
    expect(auth?.phases[0]?.duration.median).toBeCloseTo(45);
    expect(auth?.phases[1]?.duration.median).toBeCloseTo(7.5);
    expect(auth?.phases[2]?.duration.median).toBeCloseTo(22.5);
    expect(auth?.rssBytes?.median).toBe(50 * 2 ** 20);
    expect(auth?.cpuMs?.median).toBe(37.5);
    expect(auth?.samples).toHaveLength(3);
    expect(report.subjects[0]?.ratioToFloor.median).toBe(1);
  });

  it('prints a table with one row per subject', () => {
    const table = renderTable(report);
    const lines = table.trim().split('\n');
    expect(lines[0]).toContain('3 runs');
    expect(lines[2]?.split(/\s{2,}/).slice(-3)).toEqual(['× floor', 'CPU ms', 'RSS MiB']);
    expect(lines.filter((line) => /^(floor|auth|peer)/.test(line))).toHaveLength(3);
    expect(table).toMatch(/auth\s+GET \/x\s+45\s+7\.5\s+23\s+70\s+75\s+95\s+100\s+1\.50×\s+38\s+50/);
  });

  it('writes a Markdown table', () => {
    const markdown = renderMarkdown(report);
    expect(markdown).toContain('| subject | request |');
    expect(markdown).toContain('| auth | GET /x |');
    expect(markdown.split('\n').filter((line) => line.startsWith('| ')).length).toBe(5 + 2 + 9);
    expect(markdown).toContain('| auth | listening → ready | 7.0 | 7.5 | 9.5 | 10 | 1.50× |');
  });

  it('draws stacked bars per subject with the floor as a line', () => {
    const svg = renderSvg(report);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('<title>Cold start to first correct answer, medians: floor (node:http) 50 ms, auth 75 ms');
    expect(svg.match(/<rect x="[\d.]+" y="\d+" width="[\d.]+" height="20"/g)).toHaveLength(9);
    expect(svg).toContain('floor 50 ms');
    expect(svg).toContain('75 ms · 1.50×');
    for (const milestone of LOCAL_MILESTONES) expect(svg).toContain(milestone.label.replace('>', '&gt;'));
  });

  it('adds the memory after an idle spell only when it was measured', () => {
    expect(report.subjects.every((s) => s.rssIdleBytes === null)).toBe(true);
    const idle = (measured: MeasuredSubject): MeasuredSubject => ({
      ...measured,
      samples: measured.samples.map((sample) => ({ ...sample, rssIdleBytes: 40 * 2 ** 20 })),
    });
    const withIdle = buildReport({
      target: 'local',
      runs: 3,
      floor: idle(subject('floor (node:http)', 'floor', [40, 50, 60])),
      subjects: [idle(subject('auth', 'function', [70, 75, 100]))],
    });
    expect(withIdle.subjects[1]?.rssIdleBytes?.median).toBe(40 * 2 ** 20);
    const lines = renderTable(withIdle).trim().split('\n');
    expect(lines[2]?.split(/\s{2,}/).slice(-2)).toEqual(['RSS MiB', 'RSS idle MiB']);
    expect(lines.find((line) => line.startsWith('auth'))).toMatch(/\s50\s+40$/);
  });
});
