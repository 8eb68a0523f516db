import type { ReplyEvent } from './reply-events.ts';

type StartData = Extract<ReplyEvent, { event: 'message.start' }>['data'];

/** A reply this instance is generating, as other requests reach it (by the reply's id). */
export interface LiveReply {
  /** Stops the generation; the text so far is kept. */
  stop(): void;
  /** The reply's events for a reader that comes (back) later: see followLog. */
  follow(after?: number): AsyncGenerator<ReplyEvent>;
}

/** The replies this instance is generating, by the reply's id. */
export type LiveReplies = Map<string, LiveReply>;

/**
 * A reply's events for a reader that joins late. Without `after`: a start, the text so far
 * as one delta, then every later event. With `after` (the id of the last event it read, that
 * is, how much of the text it has): the text after that, then every later event. `later` are
 * the events logged after `text` was taken.
 */
export async function* followLog(
  later: AsyncGenerator<ReplyEvent>,
  text: string,
  start: StartData,
  after: number | undefined,
): AsyncGenerator<ReplyEvent> {
  let sent = after ?? 0;
  if (after === undefined) yield { event: 'message.start', id: '0', data: start };
  if (text.length > sent) {
    yield { event: 'message.delta', id: String(text.length), data: { content: text.slice(sent) } };
    sent = text.length;
  }
  for await (const event of later) {
    if (event.event !== 'message.delta') {
      yield event;
      continue;
    }
    const end = Number(event.id);
    const begin = end - event.data.content.length;
    if (end <= sent) continue;
    yield sent > begin ? { ...event, data: { content: event.data.content.slice(sent - begin) } } : event;
    sent = end;
  }
}
