import type { FunctionFetch } from './one-process.ts';

export const BOOTSTRAP_REQUESTED = 'dev.zerochat.admin.bootstrap.requested';

/** The part of the admin function's bootstrap report the launcher shows. */
export interface BootstrapOutcome {
  /** `ok`, `changed` or `failed`; `unsupported` when the admin function does not take the event. */
  status: string;
  steps: Array<{ step: string; outcome: string; reason: string }>;
}

/**
 * The bootstrap of the one-process mode: the same CloudEvent (binary mode) that compose's
 * one-shot container and the Knative Trigger deliver, handed to the admin app in-process.
 */
export async function requestBootstrap(admin: FunctionFetch, origin: string): Promise<BootstrapOutcome> {
  const response = await admin(
    new Request(new URL('/admin/events', origin), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'ce-specversion': '1.0',
        'ce-type': BOOTSTRAP_REQUESTED,
        'ce-source': '/zerochat/local',
        'ce-id': crypto.randomUUID(),
      },
      body: '{}',
    }),
  );
  if (response.status === 404) return { status: 'unsupported', steps: [] };
  const body = (await response.json().catch(() => ({}))) as Partial<BootstrapOutcome> & { detail?: string };
  if (!Array.isArray(body.steps)) {
    return {
      status: 'failed',
      steps: [{ step: 'bootstrap', outcome: 'failed', reason: body.detail ?? `HTTP ${response.status}` }],
    };
  }
  return { status: body.status ?? 'failed', steps: body.steps };
}
