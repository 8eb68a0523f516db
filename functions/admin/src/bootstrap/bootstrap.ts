import type { Logger, MetricsRegistry } from '@zerochat/runtime';

/** What a step did: nothing to do, something changed, or it failed (and why, in `reason`). */
export type StepOutcome = 'ok' | 'changed' | 'failed';

export const STEP_NAMES = ['mongodb-indexes', 'admin-account', 'ollama-models', 'kong-config'] as const;
export type StepName = (typeof STEP_NAMES)[number];

export interface StepResult {
  step: StepName;
  outcome: StepOutcome;
  /** One sentence for an operator: what was found and done. */
  reason: string;
  durationMs: number;
}

/** What a step returns; the runner adds its name and duration. */
export type StepReport = Pick<StepResult, 'outcome' | 'reason'>;

export interface BootstrapStep {
  name: StepName;
  /** Steps whose failure makes this one pointless (it then fails without running). */
  needs?: readonly StepName[];
  run(log: Logger): Promise<StepReport>;
}

/** Who asked for the run. */
export type BootstrapTrigger =
  | { kind: 'event'; type: string; source: string; id: string }
  | { kind: 'api'; userId: string };

export interface BootstrapReport {
  /** `failed` when any step failed, else `changed` when any step changed something, else `ok`. */
  status: StepOutcome;
  trigger: BootstrapTrigger;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  steps: StepResult[];
}

export interface Bootstrap {
  /**
   * Runs every step in order. While a run is under way, further calls join it and get its
   * report, so overlapping requests (a redelivered event, a reconcile tick) never run twice.
   */
  run(trigger: BootstrapTrigger): Promise<BootstrapReport>;
}

export interface BootstrapOptions {
  steps: readonly BootstrapStep[];
  log: Logger;
  metrics: MetricsRegistry;
  now?: () => Date;
}

const DURATION_BUCKETS = [0.1, 0.5, 1, 5, 15, 60, 300, 900];

export function worstOutcome(outcomes: readonly StepOutcome[]): StepOutcome {
  if (outcomes.includes('failed')) return 'failed';
  return outcomes.includes('changed') ? 'changed' : 'ok';
}

export function createBootstrap(options: BootstrapOptions): Bootstrap {
  const now = options.now ?? (() => new Date());
  const runs = options.metrics.counter('zerochat_admin_bootstrap_runs_total', 'Bootstrap runs, by result.');
  const stepOutcomes = options.metrics.counter(
    'zerochat_admin_bootstrap_steps_total',
    'Bootstrap steps run, by step and outcome.',
  );
  const duration = options.metrics.histogram(
    'zerochat_admin_bootstrap_duration_seconds',
    'How long a whole bootstrap run took.',
    DURATION_BUCKETS,
  );
  let current: Promise<BootstrapReport> | undefined;

  async function runSteps(trigger: BootstrapTrigger): Promise<BootstrapReport> {
    const startedAt = now();
    const started = performance.now();
    const log = options.log.child({
      bootstrap: trigger.kind === 'event' ? `${trigger.source} ${trigger.id}` : trigger.kind,
    });
    log.info('bootstrap started', { trigger });
    const steps: StepResult[] = [];
    for (const step of options.steps) {
      const stepStarted = performance.now();
      const blocked = step.needs?.filter((name) =>
        steps.some((done) => done.step === name && done.outcome === 'failed'),
      );
      let report: StepReport;
      if (blocked?.length) {
        report = { outcome: 'failed', reason: `not run: ${blocked.join(', ')} failed` };
      } else {
        try {
          report = await step.run(log.child({ step: step.name }));
        } catch (error) {
          // Steps report their expected failures themselves; this is for the unexpected ones.
          log.error('bootstrap step threw', { step: step.name, err: error });
          report = {
            outcome: 'failed',
            reason: `unexpected error (${errorName(error)}); see the admin function's log`,
          };
        }
      }
      const result: StepResult = {
        step: step.name,
        ...report,
        durationMs: Math.round(performance.now() - stepStarted),
      };
      steps.push(result);
      stepOutcomes.inc({ step: step.name, outcome: result.outcome });
      const level = result.outcome === 'failed' ? 'error' : 'info';
      log[level]('bootstrap step done', { ...result });
    }
    const status = worstOutcome(steps.map((step) => step.outcome));
    const seconds = (performance.now() - started) / 1000;
    runs.inc({ status });
    duration.observe(seconds);
    const report: BootstrapReport = {
      status,
      trigger,
      startedAt: startedAt.toISOString(),
      finishedAt: now().toISOString(),
      durationMs: Math.round(seconds * 1000),
      steps,
    };
    log[status === 'failed' ? 'warn' : 'info']('bootstrap finished', { status, durationMs: report.durationMs });
    return report;
  }

  return {
    run(trigger) {
      current ??= runSteps(trigger).finally(() => {
        current = undefined;
      });
      return current;
    },
  };
}

export function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}
