import { createRoute, z } from '@hono/zod-openapi';
import { AppError, type FunctionApp, jsonBody, toAppError } from '@zerochat/runtime';
import { streamSSE } from 'hono/streaming';
import { ObjectId } from 'mongodb';
import type { ChatContext } from '../chat-context.ts';
import { midReplyFailure, startFailure } from '../reply/reply-failures.ts';
import { type OpenReply, openReply, type ReplyResult, streamReply } from '../reply/stream-reply.ts';
import { superviseReply } from '../reply/supervise-reply.ts';
import type { ReplyOutcome } from '../reply-metrics.ts';
import { ChatCompletionSchema, credentialErrors, keyOrToken, openAiErrorDoc } from './api-schemas.ts';
import { completionBody, completionChunk, completionFrame, openAiFinishReason, usageChunk } from './completion-body.ts';
import { CompletionRequest, planCompletion } from './completion-request.ts';
import type { KeyUsage } from './key-usage.ts';
import { modelNotFound, toOpenAiError } from './openai-errors.ts';

const STREAM_DESCRIPTION = `With \`stream: true\`, Server-Sent Events as OpenAI sends them: \`data: <chat.completion.chunk>\` lines (the role first, then the text, then the finish reason; with \`stream_options.include_usage\` a last chunk without choices carries the usage), then \`data: [DONE]\`. A failure after the first chunk is a \`data: {"error": {…}}\` line, and the stream ends without [DONE].`;

const createCompletion = createRoute({
  method: 'post',
  path: '/v1/chat/completions',
  tags: ['openai'],
  summary: 'A chat completion (OpenAI-compatible), whole or streamed; not stored',
  ...keyOrToken,
  request: { body: jsonBody(CompletionRequest) },
  responses: {
    200: {
      description: 'The completion: a chat.completion object, or with `stream: true` an event stream',
      content: {
        'application/json': { schema: ChatCompletionSchema },
        'text/event-stream': { schema: z.string().openapi({ description: STREAM_DESCRIPTION }) },
      },
    },
    400: openAiErrorDoc(
      'A bad or unknown parameter (invalid_value, unknown_parameter), or one zerochat does not offer: tools, images, n ≠ 1, logprobs, store: true (unsupported_parameter)',
    ),
    ...credentialErrors,
    404: openAiErrorDoc('No such model, or not one you may use (model_not_found)'),
    413: openAiErrorDoc('Body too large (payload_too_large)'),
    429: openAiErrorDoc('Too many completions in progress for you (rate_limit_exceeded); see Retry-After'),
    502: openAiErrorDoc('Ollama failed (upstream_error)'),
    503: openAiErrorDoc('Ollama cannot be reached (upstream_unavailable)'),
    504: openAiErrorDoc('The model did not start replying in time (upstream_timeout)'),
  },
});

export function addCompletionRoute(app: FunctionApp, chat: ChatContext, usage: KeyUsage): void {
  const { settings } = chat;

  app.openapi(createCompletion, async (c) => {
    const log = c.get('log');
    const principal = c.get('principal');
    const plan = planCompletion(c.req.valid('json'), settings.CHAT_MAX_NUM_PREDICT);
    // The allow-list only: Ollama's answer to the completion itself says whether it has the model.
    const model = permittedModel(chat, plan.model);
    const slot = await chat.slots.acquire(new ObjectId(principal.userId));
    // An OpenAI client cannot resume a completion: one that goes away stops the generation at once.
    const run = superviseReply(chat, model, c.req.raw.signal);

    /** Frees the slot, ends the metrics and counts a completion that started on its key. */
    const finish = async (outcome: ReplyOutcome, result?: ReplyResult) => {
      const counts = result && 'usage' in result ? result.usage : null;
      await slot.release().catch((error: unknown) => log.warn('releasing a generation slot failed', { err: error }));
      run.end(outcome, counts?.completionTokens);
      // A request refused before any text (an unknown model, Ollama down) changes nothing.
      if (principal.apiKeyId && outcome !== 'not_started') {
        // Not waited for: the answer need not wait for bookkeeping; a shutdown waits for it.
        const tokens = { prompt: counts?.promptTokens ?? 0, completion: counts?.completionTokens ?? 0 };
        void chat.lifecycle.track(usage.record(principal.apiKeyId, tokens));
      }
    };

    let reply: OpenReply;
    try {
      reply = await openReply(chat.models, { model, ...plan.ollama }, run.signal);
      run.firstTokenArrived();
    } catch (error) {
      const failure = startFailure(error, run.signal, model, settings, log);
      run.cancel();
      await finish('not_started');
      if (failure) throw asOpenAiProblem(failure, model);
      log.info('the client left before the completion started');
      // nginx's "client closed request": nobody reads it, but logs and metrics tell it apart.
      return new Response(null, { status: 499 });
    }
    const frame = completionFrame(model, chat.now());

    if (!plan.stream) {
      const result = await streamReply(reply, { signal: run.signal, onDelta: () => undefined });
      await finish('failure' in result ? 'error' : result.finishReason, result);
      if ('failure' in result) throw midReplyFailure(result.failure, log);
      if (result.finishReason === 'cancelled') return new Response(null, { status: 499 });
      return c.json(completionBody(frame, result), 200);
    }

    c.header('x-accel-buffering', 'no');
    return streamSSE(c, async (sse) => {
      sse.onAbort(run.cancel);
      // Chunks go out in order, one write at a time, while the reply is read at the model's
      // pace: a slow reader gets them late, but never slows the model down.
      let delivered = Promise.resolve();
      const send = (data: object | '[DONE]') => {
        delivered = delivered
          .then(() => sse.writeSSE({ data: typeof data === 'string' ? data : JSON.stringify(data) }))
          // A client that left: the abort above ends the reply; nothing more can reach it.
          .catch(() => undefined);
      };
      const chunk = (delta: { role?: 'assistant'; content?: string }, reason: 'stop' | 'length' | null = null) =>
        send(completionChunk(frame, delta, reason, plan.includeUsage));

      let result: ReplyResult = { content: '', failure: new Error('the completion did not run') };
      try {
        chunk({ role: 'assistant', content: '' });
        result = await streamReply(reply, { signal: run.signal, onDelta: (content) => chunk({ content }) });
      } catch (error) {
        log.error('streaming a completion failed', { err: error });
      }
      await finish('failure' in result ? 'error' : result.finishReason, result);
      if ('failure' in result) {
        send({ error: toOpenAiError(toAppError(midReplyFailure(result.failure, log))) });
      } else if (result.finishReason !== 'cancelled') {
        chunk({}, openAiFinishReason(result.finishReason));
        if (plan.includeUsage) send(usageChunk(frame, result.usage));
        send('[DONE]');
      }
      await delivered;
    });
  });
}

function permittedModel(chat: ChatContext, requested: string): string {
  try {
    return chat.catalog.permitted(requested);
  } catch (error) {
    throw asOpenAiProblem(error, requested);
  }
}

/** Chat's problems as /v1 words them: an unknown model names the parameter, as OpenAI does. */
function asOpenAiProblem(error: unknown, model: string): unknown {
  return error instanceof AppError && error.code === 'model_not_found' ? modelNotFound(model) : error;
}
