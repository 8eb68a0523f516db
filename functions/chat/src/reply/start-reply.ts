import { setTimeout as sleep } from 'node:timers/promises';
import type { ConversationDocument, MessageDocument, MessageStatus, MessageUsage } from '@zerochat/data';
import { type AppError, conflict, isDatabaseUnreachable, type Logger, toAppError } from '@zerochat/runtime';
import { ObjectId } from 'mongodb';
import type { ChatContext } from '../chat-context.ts';
import type { ChatStore, Generation } from '../chat-store.ts';
import type { GenerationSlot } from '../generation-slots.ts';
import { messageTree } from '../message-tree.ts';
import type { ModelOptions } from '../model-server.ts';
import { conversationNotFound } from '../problems.ts';
import { storeWhenReachable } from '../store-when-reachable.ts';
import { trimHistory } from '../trim-history.ts';
import { nameConversation } from './conversation-title.ts';
import { createEventLog } from './event-log.ts';
import { followLog, type LiveReply } from './live-replies.ts';
import { lookUpBranchEnd, planAtBranchEnd } from './plan-at-branch-end.ts';
import { planReply, type ReplyPlan, type ReplyTarget } from './plan-reply.ts';
import type { ReplyEvent, ReplyEventBody } from './reply-events.ts';
import { midReplyFailure, startFailure } from './reply-failures.ts';
import { watchProgress } from './reply-progress.ts';
import { type FinishReason, type OpenReply, openReply, type ReplyResult, streamReply } from './stream-reply.ts';
import { superviseReply } from './supervise-reply.ts';

export interface ReplyRequest {
  userId: ObjectId;
  conversationId: ObjectId;
  target: ReplyTarget;
  /** The model's options; a promise while they are still being read (the user's defaults). */
  options: ModelOptions | Promise<ModelOptions>;
  /**
   * Aborts when the client that asked goes away: given, that stops the reply (cancel on
   * disconnect); absent, the reply runs on to its end for whoever reads it later.
   */
  disconnected?: AbortSignal | undefined;
}

/** How a reply ended, once it is stored: its final fields, or the problem that ended it. */
export type FinishedReply =
  | { content: string; finishReason: FinishReason; usage: MessageUsage | null; status: MessageStatus }
  | { content: string; problem: AppError };

/** A reply that has started: the model is generating, independently of who reads it. */
export interface Reply {
  conversation: ConversationDocument;
  /** The user message answered: new, or the one a regenerated or continued reply answers. */
  userMessage: MessageDocument;
  /** The reply as stored when it started (`pending`; a continued reply with its text so far). */
  message: MessageDocument;
  /** Every event from the first, then each new one as it comes, until the last. */
  events(): AsyncGenerator<ReplyEvent>;
  /** Stops the generation; the text so far is kept. */
  stop(): void;
  /** Settles once the reply's final state is stored (or storing it failed). */
  finished: Promise<FinishedReply>;
}

/**
 * Starts a reply: asks the model, and meanwhile takes a generation slot and stores the user's
 * message and a pending reply; then waits for the model's first token. Everything that can fail before any text exists throws
 * here as a problem, with the writes undone; resolves undefined when the client left first.
 * From then on the reply runs to its end whoever reads it, and stores itself.
 */
export async function startReply(chat: ChatContext, request: ReplyRequest, log: Logger): Promise<Reply | undefined> {
  const { settings } = chat;
  const { target } = request;
  const readAll = () => chat.store.conversationMessages(request.userId, request.conversationId);
  // A new message is planned from its branch's end when it can be, whose first lookups go
  // alongside the conversation's read when this instance knows where the branch ended; the
  // rest read the whole conversation, alongside the conversation itself.
  const guessedEnd = target.kind === 'message' ? chat.branchEnds.get(request.conversationId) : undefined;
  const guessed =
    guessedEnd && lookUpBranchEnd(chat.store, { _id: request.conversationId, userId: request.userId }, guessedEnd);
  // planAtBranchEnd awaits it only when the conversation lets a plan start at its end.
  guessed?.catch(() => undefined);
  const [conversation, stored, options] = await Promise.all([
    chat.store.findConversation(request.userId, request.conversationId),
    target.kind === 'message' ? undefined : readAll(),
    request.options,
  ]);
  if (!conversation) throw conversationNotFound();
  const plan =
    (target.kind === 'message' &&
      (await planAtBranchEnd(chat.store, conversation, target.content, settings.CHAT_HISTORY_BUDGET_CHARS, guessed))) ||
    planReply(target, messageTree(stored ?? (await readAll())), conversation.currentMessageId);

  const model = conversation.model;
  // A continued reply goes last, as the assistant's: the model carries on from its end.
  const prefix = plan.kind === 'continue' ? plan.continued.content : '';
  const messages = [
    ...trimHistory({
      systemPrompt: conversation.systemPrompt,
      earlier: plan.earlier,
      next: plan.next,
      budgetChars: settings.CHAT_HISTORY_BUDGET_CHARS - prefix.length,
    }),
    ...(prefix ? [{ role: 'assistant' as const, content: prefix }] : []),
  ];

  const supervisor = superviseReply(chat, model, request.disconnected);
  // The model is asked first: the slot and the writes, which do not shape the prompt, overlap
  // its first token. When either fails, the generation is aborted (supervisor.cancel below).
  const opening = openReply(chat.models, { model, messages, options }, supervisor.signal);
  opening.catch(() => undefined);

  let generated = '';
  let slot: GenerationSlot | undefined;
  let written: Written | undefined;
  let progress: ReturnType<typeof watchProgress> | undefined;
  let open: OpenReply | null;
  // The slot and the writes at once too: a refused slot undoes the writes below.
  // The reply records its slot's lease, made here so that the two need not wait for each other.
  const leaseId = new ObjectId();
  const [took, wrote] = await Promise.allSettled([
    chat.slots.acquire(request.userId, leaseId),
    writePlan(chat.store, conversation, plan, { model, leaseId }),
  ]);
  try {
    if (took.status === 'fulfilled') slot = took.value;
    if (wrote.status === 'fulfilled') written = wrote.value;
    if (took.status === 'rejected') throw took.reason;
    if (wrote.status === 'rejected') throw wrote.reason;
    progress = watchProgress({
      store: chat.store,
      replyId: wrote.value.reply._id,
      intervalMs: settings.CHAT_REPLY_PROGRESS_MS,
      writes: settings.CHAT_REPLY_PROGRESS_WRITES,
      text: () => prefix + generated,
      onStop: supervisor.stop,
      log,
    });
    open = await opening;
    supervisor.firstTokenArrived();
  } catch (error) {
    // A stop before the first token: the reply is kept, with what it had, as stopped.
    if (written && slot && supervisor.signal.reason === 'stopped') open = null;
    else {
      const failure = startFailure(error, supervisor.signal, model, settings, log);
      supervisor.cancel();
      // A first chunk that came all the same: its response is let go at once.
      void opening.then((reply) => reply.rest.return?.()).catch(() => undefined);
      // Nothing was generated: undo the writes, so the request had no effect and can be retried.
      await progress?.end();
      await Promise.allSettled([written?.undo(), slot?.release()]);
      supervisor.end('not_started');
      if (failure) throw failure;
      return undefined;
    }
  }
  if (!written || !progress || !slot) throw new Error('a reply started without its slot and writes');
  const started = written;
  const taken = slot;
  // Not waited for before the first event: the reply's final state waits for it (store below).
  // Resolves with the title when this message named the conversation: the model may then give
  // it a better one.
  const endsBranch = plan.kind !== 'continue';
  const touched = chat.store
    .touchConversation(conversation, plan.next, started.reply._id, endsBranch)
    .then((title) => {
      if (endsBranch) chat.branchEnds.set(conversation._id, started.reply._id);
      return title;
    })
    .catch((error: unknown) => void log.warn('marking the conversation active failed', { err: error }));

  const events = createEventLog<ReplyEvent>();
  const messageId = started.reply._id.toHexString();
  // An event's id is the length of the reply's text once the event is read.
  const push = (event: ReplyEventBody) =>
    events.push({ ...event, id: String(prefix.length + generated.length) } as ReplyEvent);
  const startData = {
    conversationId: conversation._id.toHexString(),
    userMessageId: started.userMessage._id.toHexString(),
    messageId,
    model,
  };
  push({ event: 'message.start', data: startData });

  /**
   * Stores the outcome, then frees the slot: the generation is over. In that order, because a
   * reader on another instance takes a reply still pending whose slot is free for one whose
   * instance died, and would end it as failed. message.done waits for the outcome stored, not
   * for the release; the end of the reply (`finished`, and so the response) waits for both.
   */
  let released = Promise.resolve();
  const store = async (result: ReplyResult): Promise<void> => {
    const write = async () => {
      await chat.store.finishReply(started.reply, {
        content: prefix + result.content,
        status: 'failure' in result ? 'error' : statusFor(result.finishReason),
        finishReason: 'failure' in result ? null : result.finishReason,
        usage: 'failure' in result ? null : result.usage,
      });
    };
    try {
      await Promise.all([write(), touched]);
    } catch (error) {
      // MongoDB went away during the reply: the client is told now, and the reply is stored
      // as soon as MongoDB is back, so the conversation is not left half-written.
      if (isDatabaseUnreachable(error)) void chat.lifecycle.track(storeWhenReachable(write, { what: 'a reply', log }));
      throw error;
    } finally {
      released = chat.lifecycle.track(
        taken.release().catch((error: unknown) => log.warn('releasing a generation slot failed', { err: error })),
      );
      if ('failure' in result) supervisor.end('error');
      else supervisor.end(result.finishReason, result.usage?.completionTokens);
    }
  };

  const run = async (): Promise<FinishedReply> => {
    let result: ReplyResult = { content: '', failure: new Error('the reply did not run') };
    try {
      result = open
        ? await streamReply(open, {
            signal: supervisor.signal,
            onDelta: (content) => {
              generated += content;
              push({ event: 'message.delta', data: { content } });
            },
          })
        : { content: '', finishReason: 'cancelled', usage: null };
    } catch (error) {
      log.error('streaming a reply failed', { err: error });
    }
    await progress?.end();
    let finished: FinishedReply;
    try {
      await store(result);
      finished =
        'failure' in result
          ? { content: prefix + result.content, problem: midReplyFailure(result.failure, log) }
          : { ...result, content: prefix + result.content, status: statusFor(result.finishReason) };
    } catch (error) {
      log.error('storing a reply failed', { err: error });
      finished = { content: prefix + result.content, problem: toAppError(error) };
    }
    if ('problem' in finished) push({ event: 'error', problem: finished.problem });
    else {
      push({
        event: 'message.done',
        data: { messageId, finishReason: finished.finishReason, usage: finished.usage },
      });
    }
    await released;
    return finished;
  };

  /** After the first reply: the model's title, as an event when it comes in time, stored in any case. */
  const retitle = async (finished: FinishedReply) => {
    const firstTitle = await touched;
    if (!firstTitle || !settings.CHAT_TITLES || 'problem' in finished || finished.status !== 'complete') return;
    const titled = chat.lifecycle.track(
      nameConversation(chat, { conversation, from: firstTitle, question: plan.next, answer: finished.content }, log),
    );
    const title = await Promise.race([titled, sleep(settings.CHAT_TITLE_WAIT_MS, undefined, { ref: false })]);
    if (title) push({ event: 'conversation.title', data: { conversationId: startData.conversationId, title } });
  };
  const finished = run();
  void finished
    .then(retitle)
    .catch((error: unknown) => log.warn('naming the conversation failed', { err: error }))
    .finally(() => {
      events.end();
      chat.live.delete(messageId);
    });

  const live: LiveReply = {
    stop: supervisor.stop,
    // The log's position and the text are taken together, before any later event comes.
    follow: (after) => followLog(events.read(events.length), prefix + generated, startData, after),
  };
  chat.live.set(messageId, live);
  return {
    conversation,
    userMessage: started.userMessage,
    message: started.reply,
    events: () => events.read(),
    stop: supervisor.stop,
    finished,
  };
}

/** What a reply wrote before it asked the model, and how to take it back. */
interface Written {
  userMessage: MessageDocument;
  reply: MessageDocument;
  undo(): Promise<void>;
}

async function writePlan(
  store: ChatStore,
  conversation: ConversationDocument,
  plan: ReplyPlan,
  generation: Generation,
): Promise<Written> {
  const { userId } = conversation;
  if (plan.kind === 'message' || plan.kind === 'edit') {
    const atBranchEnd = plan.kind === 'message';
    const { userMessage, reply } = await store.insertExchange(
      conversation,
      plan.next,
      generation,
      plan.parentId,
      atBranchEnd,
    );
    const undo = async () => {
      // Undone, the first child's id is free again, while another message sent at once may
      // still follow the same parent under an id of its own: so the branch's end is not known.
      if (atBranchEnd) await store.forgetBranchEnd(conversation._id);
      await store.discardMessages(userId, [userMessage._id, reply._id]);
    };
    return { userMessage, reply, undo };
  }
  if (plan.kind === 'regenerate') {
    const reply = await store.insertReply(conversation, plan.answered._id, generation);
    return { userMessage: plan.answered, reply, undo: () => store.discardMessages(userId, [reply._id]) };
  }
  const before = await store.reopenReply(userId, plan.continued._id, generation.leaseId);
  if (!before) throw conflict('This reply is being generated already.');
  return {
    userMessage: plan.answered,
    reply: { ...before, status: 'pending' },
    undo: () => store.restoreReply(before),
  };
}

function statusFor(reason: FinishReason): 'complete' | 'incomplete' {
  return reason === 'stop' || reason === 'length' ? 'complete' : 'incomplete';
}
