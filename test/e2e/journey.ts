// A user's whole way through zerochat, over HTTP only, against whatever serves the routes:
// separate function processes or the one-process mode.
import { expect } from 'vitest';
import type { ApiClient } from '../support/http-client.ts';
import { allEvents } from '../support/sse.ts';

export interface JourneyTargets {
  /** Serves /auth/... */
  auth: ApiClient;
  /** Serves /chat/... */
  chat: ApiClient;
}

export interface JourneyResult {
  email: string;
  password: string;
  userId: string;
  conversationId: string;
  /** The access token issued last (after the password change). */
  accessToken: string;
}

interface TokenPair {
  accessToken: string;
  refreshToken: string;
  user: { id: string; email: string; role: string };
}

/**
 * register → login → create a conversation → stream a reply → read the history → refresh →
 * change the password → the refresh token from before is refused → log out.
 */
export async function walkJourney({ auth, chat }: JourneyTargets): Promise<JourneyResult> {
  const email = `journey-${crypto.randomUUID().slice(0, 8)}@example.com`;
  const password = 'correct horse battery';

  const registered = await auth.json<{ id: string; email: string }>('POST', '/auth/register', {
    body: { email, password, displayName: 'Journey' },
  });
  expect(registered.status).toBe(201);
  expect(registered.body.email).toBe(email);

  const login = await auth.json<TokenPair>('POST', '/auth/login', { body: { email, password } });
  expect(login.status).toBe(200);
  expect(login.body.user.id).toBe(registered.body.id);

  const created = await chat.json<{ id: string }>('POST', '/chat/conversations', {
    token: login.body.accessToken,
    body: { title: 'A journey' },
  });
  expect(created.status).toBe(201);
  const conversationId = created.body.id;

  const streamed = await chat.call('POST', `/chat/conversations/${conversationId}/messages`, {
    token: login.body.accessToken,
    body: { content: 'Tell me something.', options: { num_predict: 16 } },
  });
  expect(streamed.status).toBe(200);
  expect(streamed.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const events = await allEvents(streamed);
  expect(events[0]?.event).toBe('message.start');
  expect(events.at(-1)).toMatchObject({
    event: 'message.done',
    data: { finishReason: expect.stringMatching(/stop|length/) },
  });
  const reply = events
    .filter((event) => event.event === 'message.delta')
    .map((event) => event.data.content)
    .join('');
  expect(reply.length).toBeGreaterThan(0);

  const history = await chat.json<{ messages: Array<{ role: string; content: string; status: string }> }>(
    'GET',
    `/chat/conversations/${conversationId}`,
    { token: login.body.accessToken },
  );
  expect(history.status).toBe(200);
  expect(history.body.messages.map(({ role, content, status }) => ({ role, content, status }))).toEqual([
    { role: 'user', content: 'Tell me something.', status: 'complete' },
    { role: 'assistant', content: reply, status: 'complete' },
  ]);

  const refreshed = await auth.json<TokenPair>('POST', '/auth/refresh', {
    body: { refreshToken: login.body.refreshToken },
  });
  expect(refreshed.status).toBe(200);
  expect(refreshed.body.refreshToken).not.toBe(login.body.refreshToken);
  // The new access token works at chat as well.
  expect((await chat.call('GET', '/chat/conversations', { token: refreshed.body.accessToken })).status).toBe(200);

  const newPassword = 'a new and longer password';
  const changed = await auth.json<TokenPair>('POST', '/auth/password', {
    token: refreshed.body.accessToken,
    body: { currentPassword: password, newPassword },
  });
  expect(changed.status).toBe(200);

  // The password change ended every earlier session.
  const stale = await auth.json('POST', '/auth/refresh', { body: { refreshToken: refreshed.body.refreshToken } });
  expect(stale.status).toBe(401);
  expect(stale.body.code).toBe('refresh_token_revoked');
  expect((await auth.json('POST', '/auth/login', { body: { email, password } })).body.code).toBe('invalid_credentials');

  expect((await auth.call('POST', '/auth/logout', { body: { refreshToken: changed.body.refreshToken } })).status).toBe(
    204,
  );
  const afterLogout = await auth.json('POST', '/auth/refresh', { body: { refreshToken: changed.body.refreshToken } });
  expect(afterLogout.status).toBe(401);

  return {
    email,
    password: newPassword,
    userId: registered.body.id,
    conversationId,
    accessToken: changed.body.accessToken,
  };
}
