// The bad-input matrix: one line per case. Every case gets its documented 4xx problem and
// changes nothing in the database. `{conversation}` in a path is a real conversation of the
// caller, `{user}` the caller's account; `token` names a bearer token from tokens.ts (none: no
// Authorization header); the body ACCESS_TOKEN stands for {"refreshToken": <the caller's
// access token>}.
import type { TokenKind } from './tokens.ts';

export interface BadInput {
  fn: 'auth' | 'chat' | 'admin';
  name: string;
  /** "METHOD /path" */
  request: string;
  /** A string is sent as it is; anything else as JSON. */
  body?: unknown;
  contentType?: string;
  token?: TokenKind;
  headers?: Record<string, string>;
  status: number;
  code: string;
}

const KIB = 1024;
const big = (bytes: number) => 'x'.repeat(bytes);
const huge = { 'x-filler': big(20 * KIB) };
const password = 'correct horse battery';
/** The admin process's ADMIN_EVENTS_SECRET (matrix.test.ts sets it). */
export const MATRIX_EVENTS_SECRET = 'the bad-input matrix events secret';
const event = (headers: Record<string, string>) => ({
  'ce-specversion': '1.0',
  'ce-type': 'dev.zerochat.admin.bootstrap.requested',
  'ce-source': '/zerochat/bootstrap',
  'ce-id': 'matrix-1',
  ...headers,
});
const sender = { authorization: `Bearer ${MATRIX_EVENTS_SECRET}` };
/** The chat process's CHAT_IMPORT_MAX_BYTES (matrix.test.ts sets it), above BODY_LIMIT_BYTES. */
export const MATRIX_IMPORT_MAX_BYTES = 100 * KIB;
/** The chat process's CHAT_IMPORT_MAX_MESSAGES (matrix.test.ts sets it): a file of more is refused. */
export const MATRIX_IMPORT_MAX_MESSAGES = 2;
const importedMessage = (id: string, parentId: string | null, content = 'hi') => ({
  id,
  parentId,
  role: 'user',
  content,
  status: 'complete',
  finishReason: null,
  model: null,
  usage: null,
  createdAt: '2029-01-01T00:00:00.000Z',
});
const importedConversation = (messages: object[]) => ({
  id: 'c1',
  title: 'imported',
  model: 'm',
  systemPrompt: null,
  pinned: false,
  archived: false,
  createdAt: '2029-01-01T00:00:00.000Z',
  updatedAt: '2029-01-01T00:00:00.000Z',
  currentMessageId: null,
  messages,
});
const importFile = (conversations: object[]) => ({
  format: 'zerochat.conversations',
  version: 1,
  exportedAt: '2029-01-01T00:00:00.000Z',
  conversations,
});

// biome-ignore format: one line per case, so that a new case is one line
export const BAD_INPUTS: readonly BadInput[] = [
  // auth: bodies
  { fn: 'auth', name: 'malformed JSON', request: 'POST /auth/register', body: '{"email": "a@example.com",', status: 400, code: 'malformed_json' },
  { fn: 'auth', name: 'a JSON array', request: 'POST /auth/login', body: '[]', status: 400, code: 'validation_failed' },
  { fn: 'auth', name: 'text/plain', request: 'POST /auth/login', body: 'email=a', contentType: 'text/plain', status: 415, code: 'unsupported_media_type' },
  { fn: 'auth', name: 'a form body', request: 'POST /auth/register', body: 'email=a%40b.c&password=x', contentType: 'application/x-www-form-urlencoded', status: 415, code: 'unsupported_media_type' },
  { fn: 'auth', name: 'a 70 KiB body', request: 'POST /auth/register', body: { email: 'big@example.com', password, displayName: big(70 * KIB) }, status: 413, code: 'payload_too_large' },
  { fn: 'auth', name: '$ne in email and password', request: 'POST /auth/login', body: { email: { $ne: null }, password: { $ne: null } }, status: 400, code: 'validation_failed' },
  { fn: 'auth', name: 'a role smuggled in', request: 'POST /auth/register', body: { email: 'role@example.com', password, role: 'admin' }, status: 400, code: 'validation_failed' },
  { fn: 'auth', name: '$where one level down', request: 'POST /auth/register', body: { email: 'w@example.com', password, displayName: { $where: 'sleep(1000)' } }, status: 400, code: 'validation_failed' },
  { fn: 'auth', name: '$gt as refresh token', request: 'POST /auth/refresh', body: { refreshToken: { $gt: '' } }, status: 400, code: 'validation_failed' },
  { fn: 'auth', name: 'an access token as refresh token', request: 'POST /auth/refresh', body: 'ACCESS_TOKEN', status: 401, code: 'refresh_token_invalid' },
  { fn: 'auth', name: 'a cookie flag that is not a boolean', request: 'POST /auth/login', body: { email: 'c@example.com', password, cookie: 'yes' }, status: 400, code: 'validation_failed' },
  { fn: 'auth', name: 'neither a refresh token nor the session cookie', request: 'POST /auth/refresh', body: {}, status: 400, code: 'validation_failed' },
  { fn: 'auth', name: 'a session cookie without its CSRF token', request: 'POST /auth/refresh', body: {}, headers: { cookie: `zerochat_refresh=${'a'.repeat(43)}` }, status: 403, code: 'csrf_failed' },
  { fn: 'auth', name: 'a logout by cookie with a wrong CSRF token', request: 'POST /auth/logout', body: {}, headers: { cookie: `zerochat_refresh=${'a'.repeat(43)}`, 'x-csrf-token': 'forged' }, status: 403, code: 'csrf_failed' },
  { fn: 'auth', name: 'a common password', request: 'POST /auth/register', body: { email: 'common@example.com', password: 'password1' }, status: 400, code: 'validation_failed' },
  { fn: 'auth', name: 'eight spaces as password', request: 'POST /auth/register', body: { email: 'spaces@example.com', password: '        ' }, status: 400, code: 'validation_failed' },
  { fn: 'auth', name: 'the email as password', request: 'POST /auth/register', body: { email: 'me@example.com', password: 'me@example.com' }, status: 400, code: 'validation_failed' },
  { fn: 'auth', name: 'a common new password', request: 'POST /auth/password', token: 'valid', body: { currentPassword: password, newPassword: 'qwerty123' }, status: 400, code: 'validation_failed' },
  { fn: 'auth', name: 'a login whose new password is the old one', request: 'POST /auth/login', body: { email: 'matrix@example.com', password, newPassword: password }, status: 400, code: 'validation_failed' },
  { fn: 'auth', name: 'an unknown field at depth', request: 'POST /auth/password', token: 'valid', body: { currentPassword: password, newPassword: `${password}!`, extra: { deep: true } }, status: 400, code: 'validation_failed' },
  // auth: API keys
  { fn: 'auth', name: 'an API key without a name', request: 'POST /auth/api-keys', token: 'valid', body: {}, status: 400, code: 'validation_failed' },
  { fn: 'auth', name: 'an API key with a scope of its own choosing', request: 'POST /auth/api-keys', token: 'valid', body: { name: 'k', scopes: ['admin'] }, status: 400, code: 'validation_failed' },
  { fn: 'auth', name: 'an API key with a key of its own choosing', request: 'POST /auth/api-keys', token: 'valid', body: { name: 'k', key: 'zc-mine' }, status: 400, code: 'validation_failed' },
  { fn: 'auth', name: 'an API key expiring in 0 days', request: 'POST /auth/api-keys', token: 'valid', body: { name: 'k', expiresInDays: 0 }, status: 400, code: 'validation_failed' },
  { fn: 'auth', name: 'an API key expiring in 1.5 days', request: 'POST /auth/api-keys', token: 'valid', body: { name: 'k', expiresInDays: 1.5 }, status: 400, code: 'validation_failed' },
  { fn: 'auth', name: 'a blank API key name', request: 'POST /auth/api-keys', token: 'valid', body: { name: '   ' }, status: 400, code: 'validation_failed' },
  { fn: 'auth', name: 'API keys without a token', request: 'GET /auth/api-keys', status: 401, code: 'token_missing' },
  { fn: 'auth', name: 'an API key made by an ended session', request: 'POST /auth/api-keys', token: 'endedSession', body: { name: 'k' }, status: 401, code: 'session_ended' },
  { fn: 'auth', name: '$ne as an API key name', request: 'PATCH /auth/api-keys/0123456789abcdef01234567', token: 'valid', body: { name: { $ne: '' } }, status: 400, code: 'validation_failed' },
  { fn: 'auth', name: 'a revoke of a bad key id', request: 'DELETE /auth/api-keys/..%2Fx', token: 'valid', status: 400, code: 'validation_failed' },
  { fn: 'auth', name: 'a revoke of a key nobody has', request: 'DELETE /auth/api-keys/0123456789abcdef01234567', token: 'valid', status: 404, code: 'api_key_not_found' },
  { fn: 'auth', name: 'a rename of a key nobody has', request: 'PATCH /auth/api-keys/0123456789abcdef01234567', token: 'valid', body: { name: 'k' }, status: 404, code: 'api_key_not_found' },
  // auth: tokens
  { fn: 'auth', name: 'no token', request: 'GET /auth/me', status: 401, code: 'token_missing' },
  { fn: 'auth', name: 'alg: none', request: 'GET /auth/me', token: 'algNone', status: 401, code: 'token_algorithm_invalid' },
  { fn: 'auth', name: 'an expired token', request: 'GET /auth/me', token: 'expired', status: 401, code: 'token_expired' },
  { fn: 'auth', name: 'a forged signature', request: 'GET /auth/me', token: 'forged', status: 401, code: 'token_signature_invalid' },
  { fn: 'auth', name: 'a refresh token as access token', request: 'GET /auth/me', token: 'refreshToken', status: 401, code: 'token_malformed' },
  { fn: 'auth', name: 'a wrong audience', request: 'POST /auth/password', token: 'wrongAudience', body: { currentPassword: password, newPassword: `${password}!` }, status: 401, code: 'token_audience_invalid' },
  { fn: 'auth', name: 'headers over 16 KiB', request: 'GET /auth/me', token: 'valid', headers: huge, status: 431, code: 'headers_too_large' },
  // chat: tokens
  { fn: 'chat', name: 'no token', request: 'GET /chat/conversations', status: 401, code: 'token_missing' },
  { fn: 'chat', name: 'alg: none', request: 'GET /chat/conversations', token: 'algNone', status: 401, code: 'token_algorithm_invalid' },
  { fn: 'chat', name: 'HS256 signed', request: 'GET /chat/conversations', token: 'hs256', status: 401, code: 'token_algorithm_invalid' },
  { fn: 'chat', name: 'an expired token', request: 'POST /chat/conversations', token: 'expired', body: {}, status: 401, code: 'token_expired' },
  { fn: 'chat', name: 'a wrong audience', request: 'GET /chat/models', token: 'wrongAudience', status: 401, code: 'token_audience_invalid' },
  { fn: 'chat', name: 'a wrong issuer', request: 'GET /chat/conversations', token: 'wrongIssuer', status: 401, code: 'token_issuer_invalid' },
  { fn: 'chat', name: 'an unknown key', request: 'GET /chat/conversations', token: 'unknownKey', status: 401, code: 'token_key_unknown' },
  { fn: 'chat', name: 'a forged signature', request: 'DELETE /chat/conversations/{conversation}', token: 'forged', status: 401, code: 'token_signature_invalid' },
  { fn: 'chat', name: 'a refresh token as access token', request: 'GET /chat/conversations', token: 'refreshToken', status: 401, code: 'token_malformed' },
  { fn: 'chat', name: 'typ: refresh+jwt', request: 'GET /chat/conversations', token: 'refreshTyped', status: 401, code: 'token_type_invalid' },
  { fn: 'chat', name: 'typ: JWT (not at+jwt)', request: 'GET /chat/conversations', token: 'plainJwt', status: 401, code: 'token_type_invalid' },
  { fn: 'chat', name: 'an exp ten years out', request: 'GET /chat/conversations', token: 'tenYears', status: 401, code: 'token_claims_invalid' },
  { fn: 'chat', name: 'a logged-out session', request: 'POST /chat/conversations', token: 'endedSession', body: {}, status: 401, code: 'session_ended' },
  { fn: 'auth', name: 'a logged-out session', request: 'GET /auth/me', token: 'endedSession', status: 401, code: 'session_ended' },
  // chat: paths and ids
  { fn: 'chat', name: 'a bad id', request: 'GET /chat/conversations/not-an-id', token: 'valid', status: 400, code: 'validation_failed' },
  { fn: 'chat', name: 'traversal in an id', request: 'GET /chat/conversations/..%2F..%2Fauth%2Fme', token: 'valid', status: 400, code: 'validation_failed' },
  { fn: 'chat', name: 'traversal in a message path', request: 'POST /chat/conversations/%2E%2E%2Fx/messages', token: 'valid', body: { content: 'hi' }, status: 400, code: 'validation_failed' },
  { fn: 'chat', name: 'an id nobody has', request: 'DELETE /chat/conversations/0123456789abcdef01234567', token: 'valid', status: 404, code: 'not_found' },
  { fn: 'chat', name: 'a cursor not issued', request: 'GET /chat/conversations?cursor=eyJ4IjoxfQ', token: 'valid', status: 400, code: 'validation_failed' },
  { fn: 'chat', name: 'a limit out of range', request: 'GET /chat/conversations?limit=1000', token: 'valid', status: 400, code: 'validation_failed' },
  { fn: 'chat', name: 'a blank search', request: 'GET /chat/conversations?q=%20', token: 'valid', status: 400, code: 'validation_failed' },
  { fn: 'chat', name: 'a search over 200 characters', request: `GET /chat/conversations?q=${'x'.repeat(201)}`, token: 'valid', status: 400, code: 'validation_failed' },
  { fn: 'chat', name: 'an archive filter not true, false or all', request: 'GET /chat/conversations?archived=yes', token: 'valid', status: 400, code: 'validation_failed' },
  { fn: 'chat', name: 'a pin filter not true or false', request: 'GET /chat/conversations?pinned=1', token: 'valid', status: 400, code: 'validation_failed' },
  { fn: 'chat', name: 'an unknown list parameter', request: 'GET /chat/conversations?sort=title', token: 'valid', status: 400, code: 'validation_failed' },
  // chat: bodies
  { fn: 'chat', name: 'malformed JSON', request: 'POST /chat/conversations', token: 'valid', body: '{"title": ', status: 400, code: 'malformed_json' },
  { fn: 'chat', name: 'text/plain', request: 'POST /chat/conversations', token: 'valid', body: 'hello', contentType: 'text/plain', status: 415, code: 'unsupported_media_type' },
  { fn: 'chat', name: '$gt as content', request: 'POST /chat/conversations/{conversation}/messages', token: 'valid', body: { content: { $gt: '' } }, status: 400, code: 'validation_failed' },
  { fn: 'chat', name: '$set in a title', request: 'PATCH /chat/conversations/{conversation}', token: 'valid', body: { title: { $set: { userId: 'x' } } }, status: 400, code: 'validation_failed' },
  { fn: 'chat', name: 'a pin that is not a boolean', request: 'PATCH /chat/conversations/{conversation}', token: 'valid', body: { pinned: 'true', title: 'x' }, status: 400, code: 'validation_failed' },
  { fn: 'chat', name: '$ne as archived', request: 'PATCH /chat/conversations/{conversation}', token: 'valid', body: { archived: { $ne: false } }, status: 400, code: 'validation_failed' },
  { fn: 'chat', name: 'an unknown option at depth', request: 'POST /chat/conversations/{conversation}/messages', token: 'valid', body: { content: 'hi', options: { mirostat: 2 } }, status: 400, code: 'validation_failed' },
  { fn: 'chat', name: 'an option out of range', request: 'POST /chat/conversations/{conversation}/messages', token: 'valid', body: { content: 'hi', options: { temperature: 9 } }, status: 400, code: 'validation_failed' },
  { fn: 'chat', name: 'a userId smuggled in', request: 'POST /chat/conversations', token: 'valid', body: { title: 't', userId: '0123456789abcdef01234567' }, status: 400, code: 'validation_failed' },
  { fn: 'chat', name: 'settings without a token', request: 'GET /chat/settings', status: 401, code: 'token_missing' },
  { fn: 'chat', name: 'a top_k of 0 in the defaults', request: 'PUT /chat/settings', token: 'valid', body: { options: { top_k: 0 } }, status: 400, code: 'validation_failed' },
  { fn: 'chat', name: 'a repeat_penalty out of range in the defaults', request: 'PUT /chat/settings', token: 'valid', body: { options: { repeat_penalty: 9 } }, status: 400, code: 'validation_failed' },
  { fn: 'chat', name: 'a stop sequence that is not a list', request: 'PUT /chat/settings', token: 'valid', body: { options: { stop: 'END' } }, status: 400, code: 'validation_failed' },
  { fn: 'chat', name: 'an unknown default', request: 'PUT /chat/settings', token: 'valid', body: { theme: 'dark' }, status: 400, code: 'validation_failed' },
  { fn: 'chat', name: '$gt as the default model', request: 'PUT /chat/settings', token: 'valid', body: { model: { $gt: '' } }, status: 400, code: 'validation_failed' },
  { fn: 'chat', name: 'a default model Ollama lacks', request: 'PUT /chat/settings', token: 'valid', body: { model: 'no-such-model:7b' }, status: 404, code: 'model_not_found' },
  { fn: 'chat', name: 'a min_p out of range in a message', request: 'POST /chat/conversations/{conversation}/messages', token: 'valid', body: { content: 'hi', options: { min_p: 2 } }, status: 400, code: 'validation_failed' },
  { fn: 'chat', name: 'a 70 KiB message', request: 'POST /chat/conversations/{conversation}/messages', token: 'valid', body: { content: big(70 * KIB) }, status: 413, code: 'payload_too_large' },
  // chat: branches
  { fn: 'chat', name: 'a regenerate of a message nobody has', request: 'POST /chat/conversations/{conversation}/messages/0123456789abcdef01234567/regenerate', token: 'valid', body: {}, status: 404, code: 'not_found' },
  { fn: 'chat', name: 'traversal in a message id', request: 'POST /chat/conversations/{conversation}/messages/..%2F..%2Fx/continue', token: 'valid', body: {}, status: 400, code: 'validation_failed' },
  { fn: 'chat', name: '$gt as edited content', request: 'POST /chat/conversations/{conversation}/messages/0123456789abcdef01234567/edit', token: 'valid', body: { content: { $gt: '' } }, status: 400, code: 'validation_failed' },
  { fn: 'chat', name: 'content smuggled into a regenerate', request: 'POST /chat/conversations/{conversation}/messages/0123456789abcdef01234567/regenerate', token: 'valid', body: { content: 'x' }, status: 400, code: 'validation_failed' },
  { fn: 'chat', name: 'a delete of a message nobody has', request: 'DELETE /chat/conversations/{conversation}/messages/0123456789abcdef01234567', token: 'valid', status: 404, code: 'not_found' },
  { fn: 'chat', name: '$ne as the branch to switch to', request: 'PUT /chat/conversations/{conversation}/current-branch', token: 'valid', body: { messageId: { $ne: null } }, status: 400, code: 'validation_failed' },
  { fn: 'chat', name: 'a switch to a message nobody has', request: 'PUT /chat/conversations/{conversation}/current-branch', token: 'valid', body: { messageId: '0123456789abcdef01234567' }, status: 404, code: 'not_found' },
  { fn: 'chat', name: 'a stop of a reply nobody has', request: 'POST /chat/conversations/{conversation}/messages/0123456789abcdef01234567/stop', token: 'valid', status: 404, code: 'not_found' },
  { fn: 'chat', name: 'a stop of a bad id', request: 'POST /chat/conversations/{conversation}/messages/%7B%22%24ne%22%3A1%7D/stop', token: 'valid', status: 400, code: 'validation_failed' },
  { fn: 'chat', name: 'the events of a reply nobody has', request: 'GET /chat/conversations/{conversation}/messages/0123456789abcdef01234567/events', token: 'valid', status: 404, code: 'not_found' },
  { fn: 'chat', name: 'a Last-Event-ID that is no event id', request: 'GET /chat/conversations/{conversation}/messages/0123456789abcdef01234567/events', token: 'valid', headers: { 'last-event-id': '1e9; drop' }, status: 400, code: 'validation_failed' },
  { fn: 'chat', name: 'a reply that asks to cancel on disconnect with a string', request: 'POST /chat/conversations/{conversation}/messages', token: 'valid', body: { content: 'hi', cancelOnDisconnect: 'yes' }, status: 400, code: 'validation_failed' },
  // chat: export and import
  { fn: 'chat', name: 'an export in a format it does not know', request: 'GET /chat/export?format=pdf', token: 'valid', status: 400, code: 'validation_failed' },
  { fn: 'chat', name: 'an export of a conversation nobody has', request: 'GET /chat/conversations/0123456789abcdef01234567/export', token: 'valid', status: 404, code: 'not_found' },
  { fn: 'chat', name: 'an export without a token', request: 'GET /chat/export', status: 401, code: 'token_missing' },
  { fn: 'chat', name: 'an export of a logged-out session', request: 'GET /chat/export', token: 'endedSession', status: 401, code: 'session_ended' },
  { fn: 'chat', name: 'an export with an unknown parameter', request: 'GET /chat/export?format=json&userId=0123456789abcdef01234567', token: 'valid', status: 400, code: 'validation_failed' },
  { fn: 'chat', name: 'an export of one conversation in a format it does not know', request: 'GET /chat/conversations/{conversation}/export?format=docx', token: 'valid', status: 400, code: 'validation_failed' },
  { fn: 'chat', name: 'an export of one conversation without a token', request: 'GET /chat/conversations/{conversation}/export', status: 401, code: 'token_missing' },
  { fn: 'chat', name: '$ne as the conversation to export', request: 'GET /chat/conversations/%7B%22%24ne%22%3A1%7D/export', token: 'valid', status: 400, code: 'validation_failed' },
  { fn: 'chat', name: 'an import without a token', request: 'POST /chat/import', body: importFile([]), status: 401, code: 'token_missing' },
  { fn: 'chat', name: 'an import of a version it does not know', request: 'POST /chat/import', token: 'valid', body: { ...importFile([importedConversation([])]), version: 2 }, status: 400, code: 'import_version_unsupported' },
  { fn: 'chat', name: 'an import that is not JSON', request: 'POST /chat/import', token: 'valid', body: '# My chats', contentType: 'text/markdown', status: 415, code: 'unsupported_media_type' },
  { fn: 'chat', name: 'an import cut off halfway', request: 'POST /chat/import', token: 'valid', body: JSON.stringify(importFile([importedConversation([])])).slice(0, 60), status: 400, code: 'malformed_json' },
  { fn: 'chat', name: 'an import whose parent is not there', request: 'POST /chat/import', token: 'valid', body: importFile([importedConversation([importedMessage('m1', 'gone')])]), status: 400, code: 'validation_failed' },
  { fn: 'chat', name: 'an import whose messages form a cycle', request: 'POST /chat/import', token: 'valid', body: importFile([importedConversation([importedMessage('m1', 'm2'), importedMessage('m2', 'm1')])]), status: 400, code: 'validation_failed' },
  { fn: 'chat', name: '$ne as an imported message id', request: 'POST /chat/import', token: 'valid', body: importFile([importedConversation([{ ...importedMessage('m1', null), id: { $ne: null } }])]), status: 400, code: 'validation_failed' },
  { fn: 'chat', name: 'a userId smuggled into an import', request: 'POST /chat/import', token: 'valid', body: importFile([{ ...importedConversation([]), userId: '0123456789abcdef01234567' }]), status: 400, code: 'validation_failed' },
  { fn: 'chat', name: 'an import of more messages than CHAT_IMPORT_MAX_MESSAGES', request: 'POST /chat/import', token: 'valid', body: importFile([importedConversation([importedMessage('m1', null), importedMessage('m2', 'm1'), importedMessage('m3', 'm2')])]), status: 400, code: 'validation_failed' },
  { fn: 'chat', name: 'an import of a logged-out session', request: 'POST /chat/import', token: 'endedSession', body: importFile([importedConversation([])]), status: 401, code: 'session_ended' },
  { fn: 'chat', name: 'an import over CHAT_IMPORT_MAX_BYTES', request: 'POST /chat/import', token: 'valid', body: importFile([importedConversation([importedMessage('m1', null, big(MATRIX_IMPORT_MAX_BYTES))])]), status: 413, code: 'payload_too_large' },
  { fn: 'chat', name: 'headers over 16 KiB', request: 'GET /chat/conversations', token: 'valid', headers: huge, status: 431, code: 'headers_too_large' },
  // admin: who may call
  { fn: 'admin', name: 'no token', request: 'GET /admin/status', status: 401, code: 'token_missing' },
  { fn: 'admin', name: "a user's token", request: 'GET /admin/users', token: 'valid', status: 403, code: 'forbidden' },
  { fn: 'admin', name: 'an admin role claimed by a user account', request: 'POST /admin/bootstrap', token: 'selfPromoted', status: 403, code: 'forbidden' },
  { fn: 'admin', name: 'alg: none claiming admin', request: 'GET /admin/status', token: 'algNone', status: 401, code: 'token_algorithm_invalid' },
  { fn: 'admin', name: 'an expired admin token', request: 'GET /admin/status', token: 'expiredAdmin', status: 401, code: 'token_expired' },
  // admin: bodies, ids, events
  { fn: 'admin', name: 'a bad id', request: 'PATCH /admin/users/..%2Fusers', token: 'admin', body: { disabled: true }, status: 400, code: 'validation_failed' },
  { fn: 'admin', name: 'an id nobody has', request: 'PATCH /admin/users/0123456789abcdef01234567', token: 'admin', body: { disabled: true }, status: 404, code: 'not_found' },
  { fn: 'admin', name: 'a role that does not exist', request: 'PATCH /admin/users/{user}', token: 'admin', body: { role: 'root' }, status: 400, code: 'validation_failed' },
  { fn: 'admin', name: '$set smuggled in', request: 'PATCH /admin/users/{user}', token: 'admin', body: { role: 'admin', $set: { passwordHash: 'x' } }, status: 400, code: 'validation_failed' },
  { fn: 'admin', name: '$ne as disabled', request: 'PATCH /admin/users/{user}', token: 'admin', body: { disabled: { $ne: false } }, status: 400, code: 'validation_failed' },
  { fn: 'admin', name: 'a limit out of range', request: 'GET /admin/users?limit=0', token: 'admin', status: 400, code: 'validation_failed' },
  { fn: 'admin', name: 'text/plain', request: 'POST /admin/bootstrap', token: 'admin', body: 'go', contentType: 'text/plain', status: 415, code: 'unsupported_media_type' },
  { fn: 'admin', name: 'a 70 KiB body', request: 'POST /admin/bootstrap', token: 'admin', body: { filler: big(70 * KIB) }, status: 413, code: 'payload_too_large' },
  { fn: 'admin', name: 'an event without ce-id', request: 'POST /admin/events', headers: { ...sender, 'ce-specversion': '1.0', 'ce-type': 'dev.zerochat.admin.bootstrap.requested', 'ce-source': '/x' }, body: {}, status: 400, code: 'malformed_event' },
  { fn: 'admin', name: 'an event of spec 0.3', request: 'POST /admin/events', headers: { ...sender, ...event({ 'ce-specversion': '0.3' }) }, body: {}, status: 400, code: 'malformed_event' },
  { fn: 'admin', name: 'a structured event that is not JSON', request: 'POST /admin/events', headers: sender, contentType: 'application/cloudevents+json', body: '{"specversion": "1.0", ', status: 400, code: 'malformed_event' },
  { fn: 'admin', name: 'an event without a sender credential', request: 'POST /admin/events', headers: event({}), body: {}, status: 401, code: 'event_sender_unauthenticated' },
  { fn: 'admin', name: 'an event with a forged secret', request: 'POST /admin/events', headers: { authorization: 'Bearer a-guess-at-the-events-secret-0000', ...event({}) }, body: {}, status: 401, code: 'event_sender_unauthenticated' },
  { fn: 'admin', name: 'an event with an access token as credential', request: 'POST /admin/events', token: 'admin', headers: event({}), body: {}, status: 401, code: 'event_sender_unauthenticated' },
  { fn: 'admin', name: 'a bootstrap request from a forged source', request: 'POST /admin/events', headers: { ...sender, ...event({ 'ce-source': '/anyone' }) }, body: {}, status: 403, code: 'event_source_refused' },
  { fn: 'admin', name: 'an event id of 10 KiB', request: 'POST /admin/events', headers: { ...sender, ...event({ 'ce-id': big(10 * KIB) }) }, body: {}, status: 400, code: 'malformed_event' },
  // admin: creating, resetting and deleting users
  { fn: 'admin', name: 'a user with a common password', request: 'POST /admin/users', token: 'admin', body: { email: 'new@example.com', password: 'iloveyou1' }, status: 400, code: 'validation_failed' },
  { fn: 'admin', name: 'a user with a taken email', request: 'POST /admin/users', token: 'admin', body: { email: 'matrix@example.com' }, status: 409, code: 'conflict' },
  { fn: 'admin', name: 'a user with a passwordHash smuggled in', request: 'POST /admin/users', token: 'admin', body: { email: 'hash@example.com', passwordHash: '$argon2id$' }, status: 400, code: 'validation_failed' },
  { fn: 'admin', name: 'a user with $ne as email', request: 'POST /admin/users', token: 'admin', body: { email: { $ne: null } }, status: 400, code: 'validation_failed' },
  { fn: 'admin', name: 'a user created by a user', request: 'POST /admin/users', token: 'valid', body: { email: 'x@example.com' }, status: 403, code: 'forbidden' },
  { fn: 'admin', name: 'a reset of a bad id', request: 'POST /admin/users/..%2Fx/password-reset', token: 'admin', status: 400, code: 'validation_failed' },
  { fn: 'admin', name: 'a reset of an id nobody has', request: 'POST /admin/users/0123456789abcdef01234567/password-reset', token: 'admin', status: 404, code: 'not_found' },
  { fn: 'admin', name: 'a reset of your own account', request: 'POST /admin/users/{admin}/password-reset', token: 'admin', status: 403, code: 'own_account' },
  { fn: 'admin', name: 'a reset by a user', request: 'POST /admin/users/{user}/password-reset', token: 'selfPromoted', status: 403, code: 'forbidden' },
  { fn: 'admin', name: 'a delete of a bad id', request: 'DELETE /admin/users/%7B%22%24ne%22%3Anull%7D', token: 'admin', status: 400, code: 'validation_failed' },
  { fn: 'admin', name: 'a delete of an id nobody has', request: 'DELETE /admin/users/0123456789abcdef01234567', token: 'admin', status: 404, code: 'not_found' },
  { fn: 'admin', name: 'a delete of your own account', request: 'DELETE /admin/users/{admin}', token: 'admin', status: 403, code: 'own_account' },
  { fn: 'admin', name: 'a delete by an ended session', request: 'DELETE /admin/users/{user}', token: 'endedSession', status: 401, code: 'session_ended' },
  // admin: users' API keys
  { fn: 'admin', name: "a user's keys listed by a user", request: 'GET /admin/users/{user}/api-keys', token: 'valid', status: 403, code: 'forbidden' },
  { fn: 'admin', name: 'the keys of an id nobody has', request: 'GET /admin/users/0123456789abcdef01234567/api-keys', token: 'admin', status: 404, code: 'not_found' },
  { fn: 'admin', name: 'the keys of a bad id', request: 'GET /admin/users/%24ne/api-keys', token: 'admin', status: 400, code: 'validation_failed' },
  { fn: 'admin', name: 'a revoke of a key nobody has', request: 'DELETE /admin/users/{user}/api-keys/0123456789abcdef01234567', token: 'admin', status: 404, code: 'not_found' },
  { fn: 'admin', name: 'a revoke of a bad key id', request: 'DELETE /admin/users/{user}/api-keys/..%2Fx', token: 'admin', status: 400, code: 'validation_failed' },
  { fn: 'admin', name: 'a revoke by a user', request: 'DELETE /admin/users/{user}/api-keys/0123456789abcdef01234567', token: 'selfPromoted', status: 403, code: 'forbidden' },
  { fn: 'admin', name: 'headers over 16 KiB', request: 'GET /admin/status', headers: huge, status: 431, code: 'headers_too_large' },
];
