export {
  type Accounts,
  type AccountsOptions,
  createAccounts,
  ensureAccountIndexes,
  type UserView,
  UserViewSchema,
  userView,
} from './accounts.ts';
export {
  API_KEY_SCOPES,
  type ApiKeyStore,
  type ApiKeyView,
  ApiKeyViewSchema,
  apiKeyView,
  createApiKeyStore,
  type IssuedApiKey,
  MAX_API_KEYS_PER_USER,
  type NewApiKey,
} from './api-keys.ts';
export {
  EMAIL_MAX_LENGTH,
  normalizeEmail,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  passwordLength,
  passwordLengthViolation,
} from './credentials.ts';
export { Email, IdString, NewEmail, NewPassword, Password } from './input-schemas.ts';
export {
  assertPasswordHashParams,
  createPasswordHasher,
  DEFAULT_PASSWORD_HASH_PARAMS,
  formatPasswordHash,
  PASSWORD_HASH_FLOOR,
  PASSWORD_HASH_MAX,
  type PasswordCheck,
  type PasswordHash,
  type PasswordHasher,
  PasswordHashFormatError,
  type PasswordHashParams,
  parsePasswordHash,
} from './password-hash.ts';
export { createPasswordPolicy, type PasswordPolicy, type PasswordPolicyOptions } from './password-policy.ts';
export { rehearsalUserDocuments } from './rehearsal-user.ts';
export {
  createSessionStore,
  DEFAULT_SESSION_LIFETIMES,
  hashRefreshToken,
  type IssuedRefreshToken,
  type RefreshTokenRejection,
  type Rotation,
  type SessionLifetimes,
  type SessionStore,
  type SessionStoreOptions,
} from './sessions.ts';
export {
  type Authentication,
  createUserStore,
  generatePassword,
  type NewUser,
  type PasswordChange,
  type PasswordRejected,
  parseObjectId,
  type Registration,
  type TemporaryPassword,
  USER_CURSOR,
  type UserChanges,
  type UserPage,
  type UserStore,
  type UserStoreOptions,
} from './users.ts';
