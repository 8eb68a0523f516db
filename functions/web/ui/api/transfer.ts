import { readJson, send } from './http.ts';
import { ApiError } from './problem.ts';
import type { Session } from './session.ts';

export type ExportFormat = 'json' | 'markdown';

/** What an import answers: the new conversations (docs/chat.md#export-and-import). */
export interface Imported {
  conversations: Array<{ id: string; title: string; messages: number }>;
}

/** A download the page hands to the browser: a file name and its content. */
export interface Download {
  fileName: string;
  blob: Blob;
}

/** The name in Content-Disposition: attachment; filename="…" (chat writes a plain one). */
function fileNameOf(response: Response, fallback: string): string {
  const match = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '');
  return match?.[1] ?? fallback;
}

/**
 * A download's whole body. Chat breaks the connection when an export fails part-way; that is
 * said as such, with the request's id that chat's log has, and nothing is saved.
 */
async function wholeBody(response: Response): Promise<Blob> {
  try {
    return await response.blob();
  } catch {
    throw new ApiError({
      status: 502,
      code: 'download_broken',
      title: 'The export broke off',
      detail: 'zerochat could not finish the file, so nothing was saved. Try again.',
      requestId: response.headers.get('x-request-id') ?? undefined,
    });
  }
}

/** Export and import of conversations, where chat has them. */
export function transferApi(session: Session) {
  return {
    /** Whether chat's API has export and import: its public API document names the paths. */
    async available(): Promise<boolean> {
      const response = await send({ method: 'GET', path: '/chat/openapi.json' });
      const document = await readJson<{ paths?: Record<string, unknown> }>(response);
      return Boolean(document.paths?.['/chat/export'] && document.paths['/chat/import']);
    },

    /** One conversation (`id`) or all of them, as chat writes the file. */
    async download(id: string | null, format: ExportFormat): Promise<Download> {
      const path = id ? `/chat/conversations/${encodeURIComponent(id)}/export` : '/chat/export';
      const response = await session.request({ method: 'GET', path: `${path}?format=${format}` });
      return {
        fileName: fileNameOf(response, `zerochat.${format === 'json' ? 'json' : 'md'}`),
        blob: await wholeBody(response),
      };
    },

    /** A file of conversations as JSON text; one that is not JSON is refused here, in the same words chat uses. */
    async importFile(text: string): Promise<Imported> {
      let file: unknown;
      try {
        file = JSON.parse(text);
      } catch {
        throw new ApiError({
          status: 400,
          code: 'malformed_json',
          title: 'This file cannot be imported',
          detail: 'It is not JSON. Import takes a file exported as JSON from zerochat.',
        });
      }
      return readJson<Imported>(await session.request({ method: 'POST', path: '/chat/import', body: file }));
    },
  };
}

export type TransferApi = ReturnType<typeof transferApi>;
