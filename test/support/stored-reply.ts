import { COLLECTIONS } from '@zerochat/data';
import { type Db, ObjectId } from 'mongodb';
import { apiClient } from './http-client.ts';

/**
 * A conversation whose reply reads `reply`: a real exchange with the model (the tiny model
 * writes gibberish), its stored content then replaced in MongoDB, as if the model had written
 * it. Resolves with the conversation's id.
 */
export async function conversationWithStoredReply(options: {
  baseUrl: string;
  token: string;
  db: Db;
  question: string;
  reply: string;
  title?: string;
}): Promise<string> {
  const api = apiClient(options.baseUrl);
  const created = await api.json<{ id: string }>('POST', '/chat/conversations', {
    token: options.token,
    body: options.title ? { title: options.title } : {},
  });
  if (created.status !== 201) throw new Error(`creating a conversation answered ${created.status}`);
  const sent = await api.json<{ message: { id: string } }>('POST', `/chat/conversations/${created.body.id}/messages`, {
    token: options.token,
    body: { content: options.question, stream: false },
  });
  if (sent.status !== 200) throw new Error(`sending a message answered ${sent.status}`);
  await options.db
    .collection(COLLECTIONS.messages)
    .updateOne({ _id: ObjectId.createFromHexString(sent.body.message.id) }, { $set: { content: options.reply } });
  return created.body.id;
}
