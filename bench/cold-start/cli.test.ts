import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { testServices } from '../../test/support/test-services.ts';
import { type ColdStartReport, REPORT_SCHEMA } from './report/schema.ts';

// A short real run of `npm run bench:cold-start` against the test services: the shape of
// what it reports and that every phase was measured, not how fast anything was.
describe('npm run bench:cold-start', () => {
  it('measures every subject and phase and writes JSON, Markdown and SVG', async () => {
    const { mongoUri, ollamaHost } = testServices();
    const out = await mkdtemp(join(tmpdir(), 'zerochat-bench-'));
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['bench/cold-start/cli.ts', '--runs', '3', '--json', '--out', out],
      { env: { ...process.env, MONGODB_URI: mongoUri, OLLAMA_HOST: ollamaHost }, maxBuffer: 16 * 1024 * 1024 },
    );
    const report = JSON.parse(stdout) as ColdStartReport;
    expect(report.schema).toBe(REPORT_SCHEMA);
    expect(report).toMatchObject({ target: 'local', runs: 3, floor: 'floor (node:http)' });
    expect(report.node.split('.')[0]).toBe('24');
    expect(report.subjects.map((subject) => subject.name)).toEqual([
      'floor (node:http)',
      'peer (faas-js-runtime)',
      'least on the stack (hono, jose, mongodb, zod)',
      'auth',
      'auth (first login)',
      'chat',
      'admin',
      'web',
    ]);
    const positive = expect.any(Number);
    for (const subject of report.subjects) {
      expect(subject.samples).toHaveLength(3);
      expect(subject.phases.map((phase) => phase.name)).toEqual(['listening', 'ready', 'firstAnswer']);
      for (const phase of subject.phases) {
        for (const figure of [phase.at, phase.duration]) {
          for (const value of Object.values(figure)) expect(Number.isFinite(value) && value >= 0).toBe(true);
        }
      }
      for (const sample of subject.samples) {
        expect(sample).toEqual({
          listening: positive,
          ready: positive,
          firstAnswer: positive,
          rssBytes: positive,
          cpuMs: positive,
        });
        expect(sample.listening).toBeLessThanOrEqual(sample.ready ?? 0);
        expect(sample.ready).toBeLessThanOrEqual(sample.firstAnswer ?? 0);
      }
      expect(subject.rssBytes?.median).toBeGreaterThan(10 * 2 ** 20);
      expect(subject.ratioToFloor.median).toBeGreaterThan(0);
    }
    expect(stderr).toContain('run 3/3 web');
    expect(JSON.parse(await readFile(join(out, 'cold-start.json'), 'utf8'))).toEqual(report);
    expect(await readFile(join(out, 'cold-start.md'), 'utf8')).toContain('| auth (first login) | POST /auth/login |');
    expect(await readFile(join(out, 'cold-start.svg'), 'utf8')).toMatch(/^<svg[\s\S]*floor [\d.]+ ms[\s\S]*<\/svg>\n$/);
  }, 240_000);
});
