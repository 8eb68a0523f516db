import { z } from '@hono/zod-openapi';
import { type ApiKeyDocument, apiKeyPreview, generateApiKey, hashApiKey } from '@zerochat/data';
import { type Collection, ObjectId } from 'mongodb';

/** Keys one user may hold at once; enough for every tool they use, few enough to list on one page. */
export const MAX_API_KEYS_PER_USER = 50;

/** What a key may reach: the OpenAI-compatible chat completions and the model list, nothing else. */
export const API_KEY_SCOPES = ['chat', 'models'] as const;

export interface NewApiKey {
  name: string;
  /** null: the key never expires. */
  expiresAt: Date | null;
}

/** A key just made: `key` is shown to its owner this once and stored only as a hash. */
export interface IssuedApiKey {
  key: string;
  document: ApiKeyDocument;
}

export interface ApiKeyStore {
  /** A new key for the user; `limit_reached` when they hold MAX_API_KEYS_PER_USER already. */
  create(userId: ObjectId, key: NewApiKey): Promise<IssuedApiKey | 'limit_reached'>;
  /** The user's keys, newest first (expired ones too, until they are revoked). */
  list(userId: ObjectId): Promise<ApiKeyDocument[]>;
  /** null when the user has no such key. */
  rename(userId: ObjectId, keyId: ObjectId, name: string): Promise<ApiKeyDocument | null>;
  /** Deletes the key; false when the user has no such key. */
  revoke(userId: ObjectId, keyId: ObjectId): Promise<boolean>;
}

export function createApiKeyStore(options: { collection: Collection<ApiKeyDocument>; now: () => Date }): ApiKeyStore {
  const { collection, now } = options;
  return {
    async create(userId, { name, expiresAt }) {
      // Counted before the insert: two creations at the same moment may pass the limit by one,
      // which costs nothing; the limit only keeps a listing bounded.
      if ((await collection.countDocuments({ userId })) >= MAX_API_KEYS_PER_USER) return 'limit_reached';
      const key = generateApiKey();
      const document: ApiKeyDocument = {
        _id: new ObjectId(),
        userId,
        name,
        keyHash: hashApiKey(key),
        preview: apiKeyPreview(key),
        createdAt: now(),
        expiresAt,
        lastUsedAt: null,
        usage: { requests: 0, promptTokens: 0, completionTokens: 0 },
      };
      await collection.insertOne(document);
      return { key, document };
    },
    list: (userId) => collection.find({ userId }).sort({ createdAt: -1, _id: -1 }).toArray(),
    rename: (userId, keyId, name) =>
      collection.findOneAndUpdate({ _id: keyId, userId }, { $set: { name } }, { returnDocument: 'after' }),
    async revoke(userId, keyId) {
      return (await collection.deleteOne({ _id: keyId, userId })).deletedCount === 1;
    },
  };
}

export const ApiKeyViewSchema = z
  .object({
    id: z.string().openapi({ example: '6650c0ffee0123456789abcd' }),
    name: z.string(),
    preview: z.string().openapi({ example: 'zc-AbCd…wxyz', description: 'The first and last characters of the key.' }),
    scopes: z.array(z.enum(API_KEY_SCOPES)).openapi({
      description:
        'What the key reaches: /v1/chat/completions (chat) and /v1/models (models); never account or admin routes.',
    }),
    createdAt: z.iso.datetime(),
    expiresAt: z.iso.datetime().nullable().openapi({ description: 'null: the key never expires.' }),
    lastUsedAt: z.iso.datetime().nullable(),
    usage: z
      .object({ requests: z.number().int(), promptTokens: z.number().int(), completionTokens: z.number().int() })
      .openapi({ description: 'Requests made with the key, and the tokens of its completions.' }),
  })
  .openapi('ApiKey');

export type ApiKeyView = z.output<typeof ApiKeyViewSchema>;

export function apiKeyView(key: ApiKeyDocument): ApiKeyView {
  return {
    id: key._id.toHexString(),
    name: key.name,
    preview: key.preview,
    scopes: [...API_KEY_SCOPES],
    createdAt: key.createdAt.toISOString(),
    expiresAt: key.expiresAt?.toISOString() ?? null,
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    usage: { ...key.usage },
  };
}
