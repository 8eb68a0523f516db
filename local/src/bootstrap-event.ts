import type { BootstrapReport } from '@zerochat/admin/bootstrap';
import { DeliveryError, sendBootstrapEvent } from '@zerochat/admin/bootstrap-sender';
import type { FunctionFetch } from './one-process.ts';

export type { BootstrapReport };

/**
 * The bootstrap of the one-process mode: the admin function's own sender emits the same
 * CloudEvent that compose's one-shot container and the Knative Job send, delivered to the
 * admin app in-process, with the events secret of this start. Resolves with the report, also
 * when a step failed.
 */
export async function requestBootstrap(
  admin: FunctionFetch,
  origin: string,
  credential: string,
): Promise<BootstrapReport> {
  let answered = '';
  try {
    const { reply } = await sendBootstrapEvent({
      sink: new URL('/admin/events', origin).href,
      source: '/zerochat/local',
      credential,
      attempts: 1,
      fetch: async (input, init) => {
        const response = await admin(new Request(input, init));
        answered = await response.clone().text();
        return response;
      },
    });
    if (!reply) throw new Error('the admin function answered no report');
    return reply.data as BootstrapReport;
  } catch (error) {
    // A failed step is a 503 problem carrying the report, so that a Broker retries.
    const report =
      error instanceof DeliveryError
        ? (JSON.parse(answered || '{}') as { report?: BootstrapReport }).report
        : undefined;
    if (report) return report;
    throw error;
  }
}
