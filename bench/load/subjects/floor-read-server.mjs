// The floor of the read path: a bare node:http server running the query of
// GET /chat/conversations as it was before pins and archives (a user's newest conversations,
// one page; chat's leaves archived ones out and sorts pinned ones first, which costs FerretDB
// more) and answering their JSON, with nothing else: no framework, no token check, no
// validation, no logs. Plain JavaScript, so nothing but Node and the MongoDB driver is loaded.
import { createServer } from 'node:http';
import { MongoClient, ObjectId } from 'mongodb';

const PAGE = 20;
const client = new MongoClient(process.env.MONGODB_URI, { serverSelectionTimeoutMS: 3000 });
const conversations = client.db(process.env.MONGODB_DB).collection('conversations');

createServer(async (request, response) => {
  try {
    const user = new URL(request.url, 'http://floor').searchParams.get('user');
    if (request.url === '/readyz') {
      await client.db(process.env.MONGODB_DB).command({ ping: 1 });
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ready"}');
      return;
    }
    const page = await conversations
      .find({ userId: ObjectId.createFromHexString(user ?? '') })
      .sort({ updatedAt: -1, _id: -1 })
      .limit(PAGE + 1)
      .toArray();
    const items = page.slice(0, PAGE).map((conversation) => ({
      id: conversation._id.toHexString(),
      title: conversation.title,
      model: conversation.model,
      systemPrompt: conversation.systemPrompt,
      createdAt: conversation.createdAt.toISOString(),
      updatedAt: conversation.updatedAt.toISOString(),
    }));
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ items, nextCursor: null }));
  } catch {
    response.writeHead(503).end();
  }
}).listen(Number(process.env.PORT), '127.0.0.1');
