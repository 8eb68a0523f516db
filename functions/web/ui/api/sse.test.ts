import { describe, expect, it } from 'vitest';
import { readEvents, type ServerSentEvent } from './sse.ts';

/** A body that arrives in exactly these chunks, as a network may cut it. */
function body(...chunks: string[]): ReadableStream<Uint8Array<ArrayBuffer>> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk) as Uint8Array<ArrayBuffer>);
      controller.close();
    },
  });
}

async function all(stream: ReadableStream<Uint8Array<ArrayBuffer>>): Promise<ServerSentEvent[]> {
  const events: ServerSentEvent[] = [];
  for await (const event of readEvents(stream)) events.push(event);
  return events;
}

describe('readEvents', () => {
  it('reads named events with ids, joining data lines', async () => {
    expect(await all(body('event: message.delta\nid: 5\ndata: {"content":"a"}\n\ndata: one\ndata: two\n\n'))).toEqual([
      { event: 'message.delta', data: '{"content":"a"}', id: '5' },
      { event: 'message', data: 'one\ntwo', id: '5' },
    ]);
  });

  it('copes with any cut between chunks, CRLF and CR line ends, comments and a missing space', async () => {
    const text = ': keep-alive\r\nevent:message.start\r\ndata:{"x":1}\r\n\r\nevent: message.done\rdata: {}\r\r';
    const expected = [
      { event: 'message.start', data: '{"x":1}', id: undefined },
      { event: 'message.done', data: '{}', id: undefined },
    ];
    for (let cut = 0; cut <= text.length; cut++) {
      expect(await all(body(text.slice(0, cut), text.slice(cut))), `cut at ${cut}`).toEqual(expected);
    }
  });

  it('drops an event the stream ends in the middle of, and one without data', async () => {
    expect(await all(body('event: ping\n\nevent: message.delta\ndata: {"content":"half'))).toEqual([]);
  });
});
