// Every route that zerochat exposes through Kong. Anything not listed here (`/admin/events`,
// `/healthz`, `/readyz`, `/metrics`, unknown paths) gets Kong's 404 and never wakes a function.

import { API_KEY_PATTERN } from '@zerochat/data';

export const FUNCTIONS = ['auth', 'chat', 'admin', 'web'] as const;
export type FunctionName = (typeof FUNCTIONS)[number];

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Which rate limit applies beyond the default one. */
export type RateLimitTier = 'login' | 'register' | 'messages' | 'openai';

export interface PublicRoute {
  /** Kong route name; unique. */
  name: string;
  function: FunctionName;
  methods: readonly HttpMethod[];
  /** OpenAPI-style path; `{param}` matches one path segment. */
  path: string;
  /**
   * `token`: Kong checks the access token before the request can wake the function.
   * `token-or-key`: an access token (checked as for `token`) or an API key, whose form Kong
   * checks and the function the key itself (the OpenAI-compatible /v1).
   */
  access: 'public' | 'token' | 'token-or-key';
  rateLimit?: RateLimitTier;
  /** The reply is streamed (Server-Sent Events, a download written as it is read): Kong must not buffer it. */
  streaming?: true;
  /** A larger body than the global request-size limit allows (an uploaded file), in bytes. */
  maxBodyBytes?: number;
}

const docs = (fn: FunctionName): PublicRoute[] => [
  { name: `${fn}-openapi`, function: fn, methods: ['GET'], path: `/${fn}/openapi.json`, access: 'public' },
  { name: `${fn}-docs`, function: fn, methods: ['GET'], path: `/${fn}/docs`, access: 'public' },
];

export const PUBLIC_ROUTES: readonly PublicRoute[] = [
  {
    name: 'auth-register',
    function: 'auth',
    methods: ['POST'],
    path: '/auth/register',
    access: 'public',
    rateLimit: 'register',
  },
  {
    name: 'auth-login',
    function: 'auth',
    methods: ['POST'],
    path: '/auth/login',
    access: 'public',
    rateLimit: 'login',
  },
  // Refresh and logout carry an opaque refresh token in the body, which only the function can check.
  { name: 'auth-refresh', function: 'auth', methods: ['POST'], path: '/auth/refresh', access: 'public' },
  { name: 'auth-logout', function: 'auth', methods: ['POST'], path: '/auth/logout', access: 'public' },
  { name: 'auth-me', function: 'auth', methods: ['GET'], path: '/auth/me', access: 'token' },
  {
    name: 'auth-password',
    function: 'auth',
    methods: ['POST'],
    path: '/auth/password',
    access: 'token',
    rateLimit: 'login',
  },
  { name: 'auth-jwks', function: 'auth', methods: ['GET'], path: '/auth/.well-known/jwks.json', access: 'public' },
  { name: 'auth-api-keys', function: 'auth', methods: ['GET', 'POST'], path: '/auth/api-keys', access: 'token' },
  {
    name: 'auth-api-key',
    function: 'auth',
    methods: ['PATCH', 'DELETE'],
    path: '/auth/api-keys/{id}',
    access: 'token',
  },
  ...docs('auth'),
  { name: 'chat-models', function: 'chat', methods: ['GET'], path: '/chat/models', access: 'token' },
  {
    name: 'chat-conversations',
    function: 'chat',
    methods: ['GET', 'POST'],
    path: '/chat/conversations',
    access: 'token',
  },
  {
    name: 'chat-conversation',
    function: 'chat',
    methods: ['GET', 'PATCH', 'DELETE'],
    path: '/chat/conversations/{id}',
    access: 'token',
  },
  {
    name: 'chat-messages',
    function: 'chat',
    methods: ['POST'],
    path: '/chat/conversations/{id}/messages',
    access: 'token',
    rateLimit: 'messages',
    streaming: true,
  },
  ...(['edit', 'regenerate', 'continue'] as const).map(
    (action): PublicRoute => ({
      name: `chat-message-${action}`,
      function: 'chat',
      methods: ['POST'],
      path: `/chat/conversations/{id}/messages/{messageId}/${action}`,
      access: 'token',
      rateLimit: 'messages',
      streaming: true,
    }),
  ),
  {
    name: 'chat-reply-events',
    function: 'chat',
    methods: ['GET'],
    path: '/chat/conversations/{id}/messages/{messageId}/events',
    access: 'token',
    streaming: true,
  },
  {
    name: 'chat-reply-stop',
    function: 'chat',
    methods: ['POST'],
    path: '/chat/conversations/{id}/messages/{messageId}/stop',
    access: 'token',
  },
  {
    name: 'chat-message',
    function: 'chat',
    methods: ['DELETE'],
    path: '/chat/conversations/{id}/messages/{messageId}',
    access: 'token',
  },
  {
    name: 'chat-current-branch',
    function: 'chat',
    methods: ['PUT'],
    path: '/chat/conversations/{id}/current-branch',
    access: 'token',
  },
  { name: 'chat-settings', function: 'chat', methods: ['GET', 'PUT'], path: '/chat/settings', access: 'token' },
  {
    name: 'chat-conversation-export',
    function: 'chat',
    methods: ['GET'],
    path: '/chat/conversations/{id}/export',
    access: 'token',
    streaming: true,
  },
  { name: 'chat-export', function: 'chat', methods: ['GET'], path: '/chat/export', access: 'token', streaming: true },
  // The chat function's CHAT_IMPORT_MAX_BYTES by default; raise both together.
  {
    name: 'chat-import',
    function: 'chat',
    methods: ['POST'],
    path: '/chat/import',
    access: 'token',
    maxBodyBytes: 16 * 1024 * 1024,
  },
  // The OpenAI-compatible API; its rate limit counts per credential.
  {
    name: 'v1-models',
    function: 'chat',
    methods: ['GET'],
    path: '/v1/models',
    access: 'token-or-key',
    rateLimit: 'openai',
  },
  {
    name: 'v1-model',
    function: 'chat',
    methods: ['GET'],
    path: '/v1/models/{model}',
    access: 'token-or-key',
    rateLimit: 'openai',
  },
  {
    name: 'v1-chat-completions',
    function: 'chat',
    methods: ['POST'],
    path: '/v1/chat/completions',
    access: 'token-or-key',
    rateLimit: 'openai',
    streaming: true,
  },
  ...docs('chat'),
  { name: 'admin-bootstrap', function: 'admin', methods: ['POST'], path: '/admin/bootstrap', access: 'token' },
  { name: 'admin-status', function: 'admin', methods: ['GET'], path: '/admin/status', access: 'token' },
  { name: 'admin-users', function: 'admin', methods: ['GET', 'POST'], path: '/admin/users', access: 'token' },
  { name: 'admin-user', function: 'admin', methods: ['PATCH', 'DELETE'], path: '/admin/users/{id}', access: 'token' },
  {
    name: 'admin-user-password-reset',
    function: 'admin',
    methods: ['POST'],
    path: '/admin/users/{id}/password-reset',
    access: 'token',
  },
  {
    name: 'admin-user-api-keys',
    function: 'admin',
    methods: ['GET'],
    path: '/admin/users/{id}/api-keys',
    access: 'token',
  },
  {
    name: 'admin-user-api-key',
    function: 'admin',
    methods: ['DELETE'],
    path: '/admin/users/{id}/api-keys/{keyId}',
    access: 'token',
  },
  ...docs('admin'),
  // The page: index.html at each of its own paths (functions/web/src/page-paths.ts; a test keeps
  // the two in step) and its hashed assets. Nothing under /auth, /chat, /admin or /v1 is among them.
  { name: 'web-home', function: 'web', methods: ['GET'], path: '/', access: 'public' },
  { name: 'web-conversation', function: 'web', methods: ['GET'], path: '/c/{id}', access: 'public' },
  { name: 'web-settings', function: 'web', methods: ['GET'], path: '/settings', access: 'public' },
  { name: 'web-console', function: 'web', methods: ['GET'], path: '/console', access: 'public' },
  { name: 'web-assets', function: 'web', methods: ['GET'], path: '/assets/{file}', access: 'public' },
];

/**
 * An Authorization header that carries an API key's form ("Bearer zc-" and 43 characters), as
 * a Kong header regex (`~*`: case-insensitive, as the scheme name is). Kong checks only the form.
 */
export const API_KEY_HEADER_PATTERN = `~*^Bearer +${API_KEY_PATTERN.source.slice(1)}`;

/** Paths a function serves that must never be reachable through Kong. */
export const INTERNAL_PATHS: readonly string[] = ['/admin/events', '/healthz', '/readyz', '/metrics'];

/**
 * The Kong path of a route: a regex (`~` prefix) anchored at both ends, so `/auth/me/x` or
 * `/auth/login.php` do not match and are answered by Kong without waking a function.
 */
export function kongPath(path: string): string {
  const pattern = path
    .split(/(\{\w+\})/)
    .map((part) => (/^\{\w+\}$/.test(part) ? '[^/]+' : part.replace(/[.*+?^$()|[\]\\]/g, '\\$&')))
    .join('');
  return `~${pattern}$`;
}
