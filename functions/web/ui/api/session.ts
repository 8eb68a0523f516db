import { type HttpRequest, readJson, send } from './http.ts';
import { ApiError, describeError, type ErrorWords } from './problem.ts';
import type { TokenPair, User } from './types.ts';

/** How often an open page asks whether its session still holds (logout elsewhere, disable). */
export const SESSION_CHECK_INTERVAL_MS = 15_000;
/** An access token this close to its expiry is renewed before it is used. */
const RENEW_BEFORE_MS = 30_000;

export interface SessionEnd {
  /** Why the person is signed out; null when they chose to. */
  reason: ErrorWords | null;
}

type Listener = () => void;

/** The readable cookie auth sets beside the httpOnly refresh cookie; refresh and logout echo it. */
const CSRF_COOKIE = 'zerochat_csrf';

function csrfHeader(): Record<string, string> {
  const value = document.cookie
    .split(';')
    .map((part) => part.trim().split('='))
    .find(([name]) => name === CSRF_COOKIE)?.[1];
  return value ? { 'x-csrf-token': decodeURIComponent(value) } : {};
}

/**
 * The signed-in person and their credentials. The access token lives only in this object's
 * memory; the refresh token in an httpOnly cookie scoped to /auth that scripts cannot read.
 */
export class Session {
  #user: User | null = null;
  #ended: SessionEnd | null = null;
  #accessToken: string | undefined;
  #expiresAt = 0;
  #renewing: Promise<void> | undefined;
  #listeners = new Set<Listener>();

  get user(): User | null {
    return this.#user;
  }

  /** Set when the last session ended; the sign-in page says why. */
  get ended(): SessionEnd | null {
    return this.#ended;
  }

  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #notify() {
    for (const listener of this.#listeners) listener();
  }

  #adopt(pair: TokenPair) {
    this.#accessToken = pair.accessToken;
    this.#expiresAt = Date.now() + pair.expiresIn * 1000;
    this.#user = pair.user;
    this.#ended = null;
    this.#notify();
  }

  /** Signs out locally and tells the page why. */
  end(reason: ErrorWords | null) {
    const wasSignedIn = this.#user !== null;
    this.#accessToken = undefined;
    this.#expiresAt = 0;
    this.#user = null;
    this.#ended = { reason };
    if (wasSignedIn || reason) this.#notify();
  }

  /** On load: the session of the refresh cookie, if there is one that still holds. */
  async restore(): Promise<void> {
    // No CSRF cookie, no session cookie either: nothing to ask auth about.
    if (!csrfHeader()['x-csrf-token']) return;
    try {
      await this.renew();
    } catch {
      // No session (or none that holds): the sign-in page, without a reason to give.
      this.#ended = null;
    }
  }

  /** `newPassword`: sets it at the same time (required after an admin reset the password). */
  async signIn(email: string, password: string, newPassword?: string): Promise<void> {
    const response = await send({
      method: 'POST',
      path: '/auth/login',
      body: { email, password, ...(newPassword ? { newPassword } : {}), cookie: true },
    });
    this.#adopt(await readJson<TokenPair>(response));
  }

  async register(email: string, password: string, displayName?: string): Promise<void> {
    await send({
      method: 'POST',
      path: '/auth/register',
      body: { email, password, ...(displayName ? { displayName } : {}) },
    });
    await this.signIn(email, password);
  }

  /** Ends the session at auth (which clears the cookies), and here. */
  async signOut(): Promise<void> {
    await send({ method: 'POST', path: '/auth/logout', body: {}, headers: csrfHeader() }).catch(() => undefined);
    this.end(null);
  }

  async changePassword(currentPassword: string, newPassword: string): Promise<void> {
    const response = await this.request({
      method: 'POST',
      path: '/auth/password',
      body: { currentPassword, newPassword },
    });
    this.#adopt(await readJson<TokenPair>(response));
  }

  /**
   * A new access token for the refresh cookie. One at a time: a refresh token is good for one
   * use, so concurrent callers share the same renewal.
   */
  renew(): Promise<void> {
    // Tabs of one browser share the cookie: one refresh at a time across them (Web Locks), so
    // each sends the cookie the previous one left, never a spent token (which ends the session).
    const renewal = () =>
      navigator.locks ? navigator.locks.request('zerochat-refresh', () => this.#renewOnce()) : this.#renewOnce();
    this.#renewing ??= renewal().finally(() => {
      this.#renewing = undefined;
    });
    return this.#renewing;
  }

  async #renewOnce(): Promise<void> {
    try {
      const response = await send({ method: 'POST', path: '/auth/refresh', body: {}, headers: csrfHeader() });
      this.#adopt(await readJson<TokenPair>(response));
    } catch (error) {
      // Offline or a server failure: the session may well hold; only a refusal ends it.
      if (error instanceof ApiError && error.status >= 400 && error.status < 500) throw this.#endedBy(error);
      throw error;
    }
  }

  #endedBy(error: ApiError): ApiError {
    this.end(
      error.code === 'account_disabled'
        ? describeError(error)
        : { title: 'Your session has ended', detail: 'Please sign in again.' },
    );
    return error;
  }

  /**
   * An API request with the access token, renewed first when it is about to expire, and
   * renewed and retried once when the API refuses it (it expired, or the session ended).
   */
  async request(request: HttpRequest): Promise<Response> {
    // After a sign-out, a late request (a reply's, a check's) fails without a word to the person.
    if (!this.#user) throw new ApiError({ status: 401, code: 'not_signed_in', title: 'Not signed in' });
    if (Date.now() > this.#expiresAt - RENEW_BEFORE_MS) await this.renew();
    try {
      return await send(this.#authorized(request));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.code === 'account_disabled') throw this.#endedBy(error);
      if (error.status !== 401) throw error;
      await this.renew();
      return send(this.#authorized(request));
    }
  }

  #authorized(request: HttpRequest): HttpRequest {
    return { ...request, headers: { ...request.headers, authorization: `Bearer ${this.#accessToken}` } };
  }

  /** Whether the session still holds; ends it when the API says it does not. */
  async check(): Promise<void> {
    if (!this.#user) return;
    try {
      const response = await this.request({ method: 'GET', path: '/auth/me' });
      const user = await readJson<User>(response);
      if (user.role !== this.#user?.role || user.displayName !== this.#user.displayName) {
        this.#user = user;
        this.#notify();
      }
    } catch {
      // A refusal has ended the session already (request() does that); offline or a server
      // failure says nothing about the session: the next check asks again.
    }
  }

  /**
   * Checks the session every SESSION_CHECK_INTERVAL_MS while the page is visible, and at once
   * when it becomes visible or the network comes back. Returns the function that stops it.
   */
  watch(): () => void {
    const checkIfVisible = () => {
      if (document.visibilityState === 'visible') void this.check();
    };
    const timer = setInterval(checkIfVisible, SESSION_CHECK_INTERVAL_MS);
    document.addEventListener('visibilitychange', checkIfVisible);
    window.addEventListener('online', checkIfVisible);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', checkIfVisible);
      window.removeEventListener('online', checkIfVisible);
    };
  }
}
