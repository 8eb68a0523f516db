import { toProblem } from '@zerochat/runtime';
import type { SSEMessage } from 'hono/streaming';
import type { ReplyEvent } from './reply-events.ts';

/** A reply event as Server-Sent Event; its id lets a reader resume after it (Last-Event-ID). */
export function sseMessage(event: ReplyEvent, requestId: string): SSEMessage {
  const data = event.event === 'error' ? toProblem(event.problem, requestId) : event.data;
  return { id: event.id, event: event.event, data: JSON.stringify(data) };
}
