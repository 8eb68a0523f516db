// The query of GET /chat/conversations as it was before pins and archives (a user's newest
// conversations, one page; chat's leaves archived ones out and sorts pinned ones first, which
// costs FerretDB more) and its answer's JSON, with nothing else: no token check, no
// validation, no logs. Shared by the read path's floor and its least server on zerochat's stack.
import { MongoClient, ObjectId } from 'mongodb';

const PAGE = 20;

export function readQuery(env) {
  const client = new MongoClient(env.MONGODB_URI, { serverSelectionTimeoutMS: 3000 });
  const db = client.db(env.MONGODB_DB);
  const conversations = db.collection('conversations');

  /** The answer's JSON for `user` (hex id); throws on a bad id or a database failure. */
  async function page(user) {
    const found = await conversations
      .find({ userId: ObjectId.createFromHexString(user ?? '') })
      .sort({ updatedAt: -1, _id: -1 })
      .limit(PAGE + 1)
      .toArray();
    const items = found.slice(0, PAGE).map((conversation) => ({
      id: conversation._id.toHexString(),
      title: conversation.title,
      model: conversation.model,
      systemPrompt: conversation.systemPrompt,
      createdAt: conversation.createdAt.toISOString(),
      updatedAt: conversation.updatedAt.toISOString(),
    }));
    return JSON.stringify({ items, nextCursor: null });
  }

  return { ping: () => db.command({ ping: 1 }), page };
}
