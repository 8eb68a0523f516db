export interface SseEvent {
  event: string;
  data: Record<string, unknown>;
  /** Only when read with `{ ids: true }`. */
  id?: string;
}

/** Reads Server-Sent Events off a response body as they arrive; `ids: true` keeps each event's id. */
export async function* sseEvents(response: Response, options: { ids?: boolean } = {}): AsyncGenerator<SseEvent> {
  if (!response.body) throw new Error('no body');
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of response.body) {
    buffer += decoder.decode(chunk as Uint8Array, { stream: true });
    let end = buffer.indexOf('\n\n');
    while (end !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      end = buffer.indexOf('\n\n');
      const fields = Object.fromEntries(
        block.split('\n').map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]),
      );
      const event = { event: fields.event ?? 'message', data: JSON.parse(fields.data ?? 'null') };
      yield options.ids && fields.id !== undefined ? { ...event, id: fields.id } : event;
    }
  }
}

export async function allEvents(response: Response, options: { ids?: boolean } = {}): Promise<SseEvent[]> {
  const events: SseEvent[] = [];
  for await (const event of sseEvents(response, options)) events.push(event);
  return events;
}
