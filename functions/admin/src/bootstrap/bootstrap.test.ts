import { MetricsRegistry } from '@zerochat/runtime';
import { describe, expect, it } from 'vitest';
import { captureLog } from '../../../../test/support/capture-log.ts';
import { type BootstrapStep, createBootstrap, type StepName, type StepReport } from './bootstrap.ts';

const step = (name: StepName, run: () => Promise<StepReport>, needs?: StepName[]): BootstrapStep => ({
  name,
  run,
  ...(needs ? { needs } : {}),
});
const ok = async (): Promise<StepReport> => ({ outcome: 'ok', reason: 'fine' });
const trigger = { kind: 'api', userId: 'u' } as const;

describe('the bootstrap runner', () => {
  it('runs the steps in order and reports the worst outcome', async () => {
    const order: string[] = [];
    const metrics = new MetricsRegistry();
    const bootstrap = createBootstrap({
      log: captureLog().log,
      metrics,
      steps: [
        step('mongodb-indexes', async () => {
          order.push('indexes');
          return { outcome: 'changed', reason: 'created' };
        }),
        step('kong-config', async () => {
          order.push('kong');
          return { outcome: 'ok', reason: 'in sync' };
        }),
      ],
    });
    const report = await bootstrap.run(trigger);
    expect(order).toEqual(['indexes', 'kong']);
    expect(report).toMatchObject({
      status: 'changed',
      trigger,
      steps: [
        { step: 'mongodb-indexes', outcome: 'changed', reason: 'created', durationMs: expect.any(Number) },
        { step: 'kong-config', outcome: 'ok', reason: 'in sync' },
      ],
    });
    expect(metrics.render()).toContain(
      'zerochat_admin_bootstrap_steps_total{step="mongodb-indexes",outcome="changed"} 1',
    );
    expect(metrics.render()).toContain('zerochat_admin_bootstrap_runs_total{status="changed"} 1');
  });

  it('fails a step whose prerequisite failed without running it, and still runs the independent ones', async () => {
    let ranAccount = false;
    const report = await createBootstrap({
      log: captureLog().log,
      metrics: new MetricsRegistry(),
      steps: [
        step('mongodb-indexes', async () => ({ outcome: 'failed', reason: 'MongoDB: unreachable' })),
        step('admin-account', async () => {
          ranAccount = true;
          return { outcome: 'ok', reason: '' };
        }, ['mongodb-indexes']),
        step('ollama-models', ok),
      ],
    }).run(trigger);
    expect(ranAccount).toBe(false);
    expect(report.status).toBe('failed');
    expect(report.steps.map((result) => [result.step, result.outcome, result.reason])).toEqual([
      ['mongodb-indexes', 'failed', 'MongoDB: unreachable'],
      ['admin-account', 'failed', 'not run: mongodb-indexes failed'],
      ['ollama-models', 'ok', 'fine'],
    ]);
  });

  it('reports a step that throws as failed, with the error in the log only', async () => {
    const { log, lines } = captureLog();
    const report = await createBootstrap({
      log,
      metrics: new MetricsRegistry(),
      steps: [
        step('ollama-models', async () => {
          throw new RangeError('secret detail');
        }),
      ],
    }).run(trigger);
    expect(report.steps[0]).toMatchObject({
      outcome: 'failed',
      reason: "unexpected error (RangeError); see the admin function's log",
    });
    expect(JSON.stringify(report)).not.toContain('secret detail');
    expect(JSON.stringify(lines)).toContain('secret detail');
  });

  it('lets a request that comes while a run is under way join it instead of running again', async () => {
    let runs = 0;
    let release = () => {};
    const bootstrap = createBootstrap({
      log: captureLog().log,
      metrics: new MetricsRegistry(),
      steps: [
        step('mongodb-indexes', async () => {
          runs++;
          await new Promise<void>((resolve) => {
            release = resolve;
          });
          return { outcome: 'ok', reason: '' };
        }),
      ],
    });
    const first = bootstrap.run(trigger);
    const second = bootstrap.run({ kind: 'event', type: 't', source: 's', id: 'i' });
    await new Promise((resolve) => setTimeout(resolve, 10));
    release();
    expect(await second).toBe(await first);
    expect(runs).toBe(1);
    const third = bootstrap.run(trigger);
    await new Promise((resolve) => setTimeout(resolve, 10));
    release();
    await third;
    expect(runs).toBe(2);
  });
});
