import { COLLECTIONS, type GenerationOptions, type UserSettingsDocument } from '@zerochat/data';
import type { Db, ObjectId } from 'mongodb';
import type { ChatSettings } from './config.ts';
import { generationOptions } from './generation-options.ts';

export interface UserDefaults {
  model: string | null;
  systemPrompt: string | null;
  options: GenerationOptions;
  updatedAt: Date | null;
}

const NONE: UserDefaults = { model: null, systemPrompt: null, options: {}, updatedAt: null };

/**
 * A user's defaults for new conversations (model, system prompt) and for replies (model
 * options), one document per user under their id, so reading it is a lookup by `_id`.
 */
export function createUserSettings(
  db: Db,
  settings: Pick<ChatSettings, 'CHAT_MAX_NUM_CTX' | 'CHAT_MAX_NUM_PREDICT'>,
  now: () => Date,
) {
  const collection = db.collection<UserSettingsDocument>(COLLECTIONS.userSettings);
  const bounds = generationOptions(settings);

  /**
   * Stored options as today's bounds allow them: one stored under wider bounds (the
   * configuration changed since) is left out, and the server's default applies.
   */
  function withinBounds(options: GenerationOptions): GenerationOptions {
    const kept: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(options)) {
      if (bounds.safeParse({ [name]: value }).success) kept[name] = value;
    }
    return kept as GenerationOptions;
  }

  return {
    async get(userId: ObjectId): Promise<UserDefaults> {
      const stored = await collection.findOne({ _id: userId });
      if (!stored) return NONE;
      return {
        model: stored.model,
        systemPrompt: stored.systemPrompt,
        options: withinBounds(stored.options ?? {}),
        updatedAt: stored.updatedAt,
      };
    },

    /** Replaces the user's defaults as a whole. */
    async put(userId: ObjectId, defaults: Omit<UserDefaults, 'updatedAt'>): Promise<UserDefaults> {
      const updatedAt = now();
      await collection.replaceOne({ _id: userId }, { ...defaults, updatedAt }, { upsert: true });
      return { ...defaults, updatedAt };
    },
  };
}

export type UserSettings = ReturnType<typeof createUserSettings>;
