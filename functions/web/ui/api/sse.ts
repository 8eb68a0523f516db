/** One Server-Sent Event as the HTML standard's parser makes it. */
export interface ServerSentEvent {
  event: string;
  data: string;
  id: string | undefined;
}

/**
 * The events of a text/event-stream body (HTML §9.2.6). EventSource cannot send an
 * Authorization header or a POST body, so the page reads the fetch body itself.
 */
export async function* readEvents(body: ReadableStream<Uint8Array<ArrayBuffer>>): AsyncGenerator<ServerSentEvent> {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let event = '';
  let data: string[] = [];
  let id: string | undefined;

  /** One line of the stream; a blank one completes the event so far. */
  const line = (text: string): ServerSentEvent | undefined => {
    if (text === '') {
      const complete = data.length > 0 ? { event: event || 'message', data: data.join('\n'), id } : undefined;
      event = '';
      data = [];
      return complete;
    }
    if (text.startsWith(':')) return undefined;
    const colon = text.indexOf(':');
    const field = colon === -1 ? text : text.slice(0, colon);
    const value = colon === -1 ? '' : text.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
    else if (field === 'id' && !value.includes('\0')) id = value;
    return undefined;
  };

  try {
    for (;;) {
      const { value, done } = await reader.read();
      // At the end, a held-back CR ends its line after all; anything else unfinished is dropped.
      const lines = done
        ? buffer.endsWith('\r')
          ? [buffer.slice(0, -1)]
          : []
        : (buffer + value).split(/\r\n|\n|\r(?!$)/);
      // A CR at the end of a chunk may be the first half of CRLF: kept until the next one.
      buffer = done ? '' : (lines.pop() ?? '');
      for (const text of lines) {
        const complete = line(text);
        if (complete) yield complete;
      }
      if (done) return;
    }
  } finally {
    reader.releaseLock();
  }
}
