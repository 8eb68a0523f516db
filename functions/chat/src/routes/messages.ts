import { setTimeout as sleep } from 'node:timers/promises';
import { createRoute, z } from '@hono/zod-openapi';
import {
  type AppError,
  type FunctionApp,
  isDatabaseUnreachable,
  jsonBody,
  type Logger,
  problem,
  toAppError,
  toProblem,
  upstreamUnavailable,
} from '@zerochat/runtime';
import { streamSSE } from 'hono/streaming';
import {
  authProblems,
  boundedText,
  IdParam,
  Message,
  messageJson,
  secured,
  toObjectId,
  Usage,
  userIdOf,
} from '../api-schemas.ts';
import type { ChatContext } from '../chat-context.ts';
import type { Exchange } from '../chat-store.ts';
import type { ChatSettings } from '../config.ts';
import { generationOptions } from '../generation-options.ts';
import { type ModelOptions, ModelServerError, unreachableDetail } from '../model-server.ts';
import { conversationNotFound, modelNotFound, upstreamError, upstreamTimeout } from '../problems.ts';
import type { ReplyOutcome } from '../reply-metrics.ts';
import {
  type FinishReason,
  type OpenReply,
  openReply,
  type ReplyResult,
  type StopReason,
  streamReply,
} from '../stream-reply.ts';
import { trimHistory } from '../trim-history.ts';

const FINISH_REASONS = ['stop', 'length', 'cancelled', 'timeout'] as const satisfies readonly FinishReason[];

function sendMessageBody(settings: ChatSettings) {
  return z.strictObject({
    content: boundedText(settings.CHAT_MAX_MESSAGE_BYTES)
      .refine((text) => text.trim().length > 0, 'must not be empty')
      .openapi({ description: `The message: not blank, at most ${settings.CHAT_MAX_MESSAGE_BYTES} bytes in UTF-8.` }),
    stream: z.boolean().default(true).openapi({ description: 'false: the whole reply as one JSON body.' }),
    options: generationOptions(settings).optional(),
  });
}

const Reply = z
  .object({
    conversationId: z.string(),
    userMessage: Message,
    message: Message,
    finishReason: z.enum(FINISH_REASONS),
    usage: Usage.nullable(),
  })
  .openapi('Reply');

const SSE_DESCRIPTION = `Server-Sent Events, in this order:
- \`message.start\` \`{conversationId, userMessageId, messageId, model}\`
- \`message.delta\` \`{content}\`, many
- \`message.done\` \`{messageId, finishReason, usage}\` — the reply is stored when this arrives — or \`error\` (a problem object); then the stream ends.`;

function postMessageRoute(settings: ChatSettings) {
  return createRoute({
    method: 'post',
    path: '/chat/conversations/{id}/messages',
    tags: ['messages'],
    summary: 'Send a message; the reply streams back as it is generated',
    ...secured,
    request: { params: IdParam, body: jsonBody(sendMessageBody(settings)) },
    responses: {
      200: {
        description: 'The reply: an event stream, or with `stream: false` one JSON body',
        content: {
          'text/event-stream': { schema: z.string().openapi({ description: SSE_DESCRIPTION }) },
          'application/json': { schema: Reply },
        },
      },
      ...authProblems,
      404: problem('No such conversation of yours (not_found), or its model is gone (model_not_found)'),
      429: problem('Too many replies in progress for you (rate_limited); see Retry-After'),
      502: problem('Ollama failed (upstream_error); with `stream: false` also mid-reply'),
      503: problem('Ollama cannot be reached (upstream_unavailable)'),
      504: problem('The model did not start replying in time (upstream_timeout)'),
    },
  });
}

export function addMessageRoutes(app: FunctionApp, chat: ChatContext): void {
  const { settings } = chat;

  app.openapi(postMessageRoute(settings), async (c) => {
    const userId = userIdOf(c.get('principal'));
    const body = c.req.valid('json');
    const log = c.get('log');
    const id = toObjectId(c.req.valid('param').id);
    const [conversation, earlier, defaults] = await Promise.all([
      chat.store.findConversation(userId, id),
      chat.store.recentHistory(userId, id, settings.CHAT_HISTORY_BUDGET_CHARS),
      chat.userSettings.get(userId),
    ]);
    if (!conversation) throw conversationNotFound();

    const model = conversation.model;
    // The message's own options over the user's defaults over the server's.
    const options: ModelOptions = { num_predict: settings.CHAT_MAX_NUM_PREDICT, ...defaults.options, ...body.options };
    const messages = trimHistory({
      systemPrompt: conversation.systemPrompt,
      earlier,
      next: body.content,
      budgetChars: settings.CHAT_HISTORY_BUDGET_CHARS,
    });

    const slot = await chat.slots.acquire(userId);
    const supervisor = superviseReply(chat, model, c.req.raw.signal);

    let exchange: Exchange | undefined;
    let reply: OpenReply;
    try {
      exchange = await chat.store.insertExchange(conversation, body.content, model);
      reply = await openReply(chat.models, { model, messages, options }, supervisor.signal);
      supervisor.firstTokenArrived();
    } catch (error) {
      const failure = startFailure(error, supervisor.signal, model, settings, log);
      supervisor.cancel();
      // Nothing was generated: undo the writes, so the request had no effect and can be retried.
      await Promise.allSettled([exchange && chat.store.discardExchange(exchange), slot.release()]);
      supervisor.end('not_started');
      if (failure) throw failure;
      log.info('the client left before the reply started');
      // nginx's "client closed request": nobody reads it, but logs and metrics tell it apart.
      return new Response(null, { status: 499 });
    }
    const started = exchange;
    await chat.store
      .touchConversation(conversation, body.content)
      .catch((error: unknown) => log.warn('marking the conversation active failed', { err: error }));

    /** Stores the outcome and frees the slot. */
    const finish = async (result: ReplyResult) => {
      const store = () =>
        chat.store.finishReply(started.reply._id, {
          content: result.content,
          status: 'failure' in result ? 'error' : statusFor(result.finishReason),
          usage: 'failure' in result ? null : result.usage,
        });
      try {
        await store();
      } catch (error) {
        // MongoDB went away during the reply: the client is told now, and the reply is stored
        // as soon as MongoDB is back, so the conversation is not left half-written.
        if (isDatabaseUnreachable(error)) void chat.lifecycle.track(storeWhenReachable(store, log));
        throw error;
      } finally {
        await slot.release().catch((error: unknown) => log.warn('releasing a generation slot failed', { err: error }));
        if ('failure' in result) supervisor.end('error');
        else supervisor.end(result.finishReason, result.usage?.completionTokens);
      }
    };

    if (!body.stream) {
      const result = await streamReply(reply, { signal: supervisor.signal, onDelta: () => undefined });
      await finish(result);
      if ('failure' in result) throw midReplyFailure(result.failure, log);
      const done = {
        ...started.reply,
        content: result.content,
        status: statusFor(result.finishReason),
        usage: result.usage,
      };
      return c.json(
        {
          conversationId: conversation._id.toHexString(),
          userMessage: messageJson(started.userMessage),
          message: messageJson(done),
          finishReason: result.finishReason,
          usage: result.usage,
        },
        200,
      );
    }

    c.header('x-accel-buffering', 'no');
    return streamSSE(c, async (sse) => {
      sse.onAbort(supervisor.cancel);
      // Events go out in order, one write at a time, while the reply is read at the model's
      // pace: a slow reader gets its events late, but never slows the model down.
      let delivered = Promise.resolve();
      const send = (event: string, data: object) => {
        delivered = delivered
          .then(() => sse.writeSSE({ event, data: JSON.stringify(data) }))
          // A client that left: the abort above ends the reply; nothing more can reach it.
          .catch(() => undefined);
      };
      let result: ReplyResult = { content: '', failure: new Error('the reply did not run') };
      try {
        send('message.start', {
          conversationId: conversation._id.toHexString(),
          userMessageId: started.userMessage._id.toHexString(),
          messageId: started.reply._id.toHexString(),
          model,
        });
        result = await streamReply(reply, {
          signal: supervisor.signal,
          onDelta: (content) => send('message.delta', { content }),
        });
      } catch (error) {
        log.error('streaming a reply failed', { err: error });
      }
      try {
        await finish(result);
        if ('failure' in result) {
          send('error', toProblem(midReplyFailure(result.failure, log), c.get('requestId')));
        } else {
          send('message.done', {
            messageId: started.reply._id.toHexString(),
            finishReason: result.finishReason,
            usage: result.usage,
          });
        }
      } catch (error) {
        log.error('storing a reply failed', { err: error });
        send('error', toProblem(toAppError(error), c.get('requestId')));
      }
      await delivered;
    });
  });
}

/**
 * What ends a reply early (the client leaving, the time limits) and how long it lives: it is
 * tracked from the start, so a shutdown that cuts the connection waits for the save that the
 * cut sets off, not only for saves already under way.
 */
function superviseReply(chat: ChatContext, model: string, disconnected: AbortSignal) {
  const stop = new AbortController();
  const stopWith = (reason: StopReason) => () => stop.abort(reason);
  const total = setTimeout(stopWith('timeout'), chat.settings.CHAT_GENERATION_TIMEOUT_MS);
  const firstToken = setTimeout(stopWith('first_token_timeout'), chat.settings.CHAT_FIRST_TOKEN_TIMEOUT_MS);
  const cancel = stopWith('cancelled');
  // A client that goes away stops the generation at once, before or during the stream.
  disconnected.addEventListener('abort', cancel, { once: true });
  if (disconnected.aborted) cancel();
  const ended = Promise.withResolvers<void>();
  void chat.lifecycle.track(ended.promise);
  const measured = chat.metrics.begin(model);
  return {
    signal: stop.signal,
    cancel,
    firstTokenArrived() {
      clearTimeout(firstToken);
      measured.firstToken();
    },
    end(outcome: ReplyOutcome, completionTokens?: number) {
      clearTimeout(total);
      clearTimeout(firstToken);
      disconnected.removeEventListener('abort', cancel);
      measured.end(outcome, completionTokens);
      ended.resolve();
    },
  };
}

function statusFor(reason: FinishReason): 'complete' | 'incomplete' {
  return reason === 'stop' || reason === 'length' ? 'complete' : 'incomplete';
}

/** The problem for a reply that failed before any text; undefined when the client left. */
function startFailure(
  error: unknown,
  stopped: AbortSignal,
  model: string,
  settings: ChatSettings,
  log: Logger,
): AppError | undefined {
  if (stopped.aborted) {
    if (stopped.reason === 'cancelled') return undefined;
    const waited = Math.min(settings.CHAT_FIRST_TOKEN_TIMEOUT_MS, settings.CHAT_GENERATION_TIMEOUT_MS);
    log.warn('no first token in time', { model, waitedMs: waited });
    return upstreamTimeout(Math.ceil(waited / 1000));
  }
  if (!(error instanceof ModelServerError)) return toAppError(error);
  log.warn('the reply could not start', { model, kind: error.kind, upstream: error.upstreamMessage });
  if (error.kind === 'model_not_found') return modelNotFound(model);
  if (error.kind === 'unreachable') {
    return upstreamUnavailable(
      unreachableDetail(error, 'The model server cannot be reached right now. Try again shortly.'),
      error,
    );
  }
  return upstreamError(error);
}

/** The problem for a reply that broke off; Ollama's own words go to the log only. */
function midReplyFailure(failure: unknown, log: Logger): AppError {
  const kind = failure instanceof ModelServerError ? failure.kind : 'failed';
  log.error('the reply broke off', {
    kind,
    upstream: failure instanceof ModelServerError ? failure.upstreamMessage : undefined,
    err: failure,
  });
  if (kind === 'unreachable') {
    return upstreamUnavailable('The model server went away while replying. Try again shortly.', failure);
  }
  return failure instanceof ModelServerError ? upstreamError(failure) : toAppError(failure);
}

/** How long a reply's final state is retried while MongoDB is unreachable. */
const STORE_RETRY_FOR_MS = 10 * 60_000;

/** Retries `store` (with backoff, up to 5 s apart) while MongoDB is unreachable, for a bounded time. */
async function storeWhenReachable(store: () => Promise<void>, log: Logger): Promise<void> {
  const deadline = Date.now() + STORE_RETRY_FOR_MS;
  for (let attempt = 1; ; attempt++) {
    await sleep(Math.min(5000, 250 * 2 ** attempt), undefined, { ref: false });
    try {
      await store();
      log.info('stored a reply once MongoDB was back', { attempt });
      return;
    } catch (error) {
      if (!isDatabaseUnreachable(error) || Date.now() > deadline) {
        log.error('storing a reply failed for good', { err: error, attempt });
        return;
      }
    }
  }
}
