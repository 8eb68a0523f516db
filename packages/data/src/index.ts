export { API_KEY_PATTERN, API_KEY_PREFIX, apiKeyPreview, generateApiKey, hashApiKey } from './api-key-format.ts';
export {
  type ApiKeyDocument,
  type ApiKeyUsage,
  COLLECTIONS,
  type CollectionName,
  type ConversationDocument,
  type GenerationOptions,
  type GenerationSlotDocument,
  type ImportDocument,
  type LockDocument,
  type LoginFailureDocument,
  type MessageDocument,
  type MessageRole,
  type MessageStatus,
  type MessageUsage,
  OBJECT_ID_HEX,
  type ProcessedEventDocument,
  type RefreshTokenDocument,
  type SearchIndexDocument,
  type SearchLogDocument,
  type UserDocument,
  type UserRole,
  type UserSettingsDocument,
} from './collections.ts';
export { ensureIndexes, INDEXES, type IndexDefinition, type IndexOutcome } from './indexes.ts';
export { isDuplicateKey } from './mongo-errors.ts';
export { deleteUserData, type RemovedUserData, USER_DATA } from './user-data.ts';
