import { once } from 'node:events';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { BSON, type Document } from 'mongodb';

// The MongoDB wire protocol, as much of it as the driver needs to connect and to run a
// function's first requests: https://www.mongodb.com/docs/manual/reference/mongodb-wire-protocol/
const OP_REPLY = 1;
const OP_QUERY = 2004;
const OP_MSG = 2013;
const HEADER_BYTES = 16;
/** OP_MSG flag: the client expects no reply (an unacknowledged write). */
const MORE_TO_COME = 2;

export interface StandInMongo {
  /** A mongodb:// URI of the stand-in on loopback. */
  uri: string;
  /** Every command it was sent, by name, in order. */
  commands: string[];
  close(): Promise<void>;
}

export interface StandInMongoOptions {
  /** By collection: what every find on it answers, whatever the filter. */
  documents?: Readonly<Record<string, readonly Document[]>>;
}

/**
 * A MongoDB-wire server on loopback that stores nothing: it says hello as a MongoDB 7
 * primary, answers every find with the documents it was given for that collection (or none)
 * and acknowledges every write. Only the cold-start rehearsal uses it (see
 * rehearse-cold-start.ts), where no database can be had: a bundle is built, or an image,
 * without one. It is no database for anything else, tests included.
 */
export async function startStandInMongo(options: StandInMongoOptions = {}): Promise<StandInMongo> {
  const documents = options.documents ?? {};
  const commands: string[] = [];
  let connections = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    const connectionId = ++connections;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= HEADER_BYTES && pending.length >= pending.readInt32LE(0)) {
        const message = pending.subarray(0, pending.readInt32LE(0));
        pending = pending.subarray(message.length);
        const reply = answer(message, { connectionId, commands, documents });
        if (reply) socket.write(reply);
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    uri: `mongodb://127.0.0.1:${port}/`,
    commands,
    async close() {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}

interface Session {
  connectionId: number;
  commands: string[];
  documents: Readonly<Record<string, readonly Document[]>>;
}

function answer(message: Buffer, session: Session): Buffer | undefined {
  const requestId = message.readInt32LE(4);
  const opCode = message.readInt32LE(12);
  if (opCode === OP_QUERY) {
    // flags, then the collection's name as a C string, skip and limit, then the command.
    const nameEnd = message.indexOf(0, HEADER_BYTES + 4);
    const command = BSON.deserialize(message.subarray(nameEnd + 9));
    return opReply(requestId, reply(command, 0, session));
  }
  if (opCode === OP_MSG) {
    const flags = message.readUInt32LE(HEADER_BYTES);
    const { command, sent } = sections(message.subarray(HEADER_BYTES + 4));
    const body = reply(command, sent, session);
    return flags & MORE_TO_COME ? undefined : opMsg(requestId, body);
  }
  return undefined;
}

/**
 * An OP_MSG's sections: kind 0 is the command; kind 1 a sequence of documents the driver
 * sends apart from it (the documents of an insert, for one), of which only the count matters.
 */
function sections(buffer: Buffer): { command: Document; sent: number } {
  let command: Document = {};
  let sent = 0;
  for (let at = 0; at < buffer.length; ) {
    const kind = buffer.readUInt8(at);
    const size = buffer.readInt32LE(at + 1);
    if (kind === 0) {
      command = BSON.deserialize(buffer.subarray(at + 1, at + 1 + size));
    } else {
      for (let doc = buffer.indexOf(0, at + 5) + 1; doc < at + 1 + size; doc += buffer.readInt32LE(doc)) sent++;
    }
    at += 1 + size;
  }
  return { command, sent };
}

function reply(command: Document, sent: number, session: Session): Document {
  const name = Object.keys(command)[0] ?? '';
  session.commands.push(name);
  const namespace = `${command.$db ?? 'admin'}.${command[name]}`;
  switch (name.toLowerCase()) {
    case 'hello':
    case 'ismaster':
      return {
        helloOk: true,
        ismaster: true,
        isWritablePrimary: true,
        maxBsonObjectSize: 16 * 1024 * 1024,
        maxMessageSizeBytes: 48_000_000,
        maxWriteBatchSize: 100_000,
        localTime: new Date(),
        logicalSessionTimeoutMinutes: 30,
        connectionId: session.connectionId,
        minWireVersion: 0,
        maxWireVersion: 21,
        readOnly: false,
        ok: 1,
      };
    case 'find':
      return {
        cursor: { id: BSON.Long.ZERO, ns: namespace, firstBatch: session.documents[command.find] ?? [] },
        ok: 1,
      };
    case 'aggregate':
    case 'listindexes':
    case 'listcollections':
      return { cursor: { id: BSON.Long.ZERO, ns: namespace, firstBatch: [] }, ok: 1 };
    case 'getmore':
      return { cursor: { id: BSON.Long.ZERO, ns: namespace, nextBatch: [] }, ok: 1 };
    case 'insert':
      return { n: Array.isArray(command.documents) ? command.documents.length : sent, ok: 1 };
    case 'update':
    case 'delete':
    case 'count':
      return { n: 0, nModified: 0, ok: 1 };
    case 'findandmodify':
      return { lastErrorObject: { n: 0, updatedExisting: false }, value: null, ok: 1 };
    default:
      return { ok: 1 };
  }
}

function header(length: number, requestId: number, opCode: number): Buffer {
  const buffer = Buffer.alloc(HEADER_BYTES);
  buffer.writeInt32LE(length, 0);
  buffer.writeInt32LE(0, 4);
  buffer.writeInt32LE(requestId, 8);
  buffer.writeInt32LE(opCode, 12);
  return buffer;
}

function opReply(requestId: number, document: Document): Buffer {
  const body = BSON.serialize(document);
  // responseFlags, cursorID, startingFrom, numberReturned: one document, no cursor.
  const fields = Buffer.alloc(20);
  fields.writeInt32LE(1, 16);
  return Buffer.concat([header(HEADER_BYTES + 20 + body.length, requestId, OP_REPLY), fields, body]);
}

function opMsg(requestId: number, document: Document): Buffer {
  const body = BSON.serialize(document);
  // flagBits 0, then one section of kind 0.
  const fields = Buffer.alloc(5);
  return Buffer.concat([header(HEADER_BYTES + 5 + body.length, requestId, OP_MSG), fields, body]);
}
