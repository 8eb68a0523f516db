/**
 * The fetch to give ollama-js. `signal()` (when given) is asked once per request, and aborts
 * it along with ollama-js's own signal. ollama-js console.logs while it reads an error body
 * that is not JSON (a proxy's HTML page, say), which would break JSON log lines on stdout; such
 * bodies are wrapped as Ollama's own `{"error": ...}` first.
 */
export function ollamaFetch(baseFetch: typeof fetch, signal?: () => AbortSignal): typeof fetch {
  return async (input, init) => {
    const extra = signal?.();
    const own = init?.signal ?? undefined;
    const combined = extra && own ? AbortSignal.any([own, extra]) : (extra ?? own);
    const response = await baseFetch(input, { ...init, ...(combined ? { signal: combined } : {}) });
    if (response.ok || response.headers.get('content-type')?.includes('application/json')) return response;
    const text = (await response.text()).trim().slice(0, 500);
    return Response.json({ error: text || `HTTP ${response.status}` }, { status: response.status });
  };
}
