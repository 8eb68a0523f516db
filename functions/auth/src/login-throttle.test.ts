import { createPasswordHasher, PASSWORD_HASH_FLOOR, type PasswordHasher } from '@zerochat/accounts';
import { COLLECTIONS } from '@zerochat/data';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../test/support/test-services.ts';
import { startAuthServer, testClock } from '../test/auth-server.ts';
import { testAuthSettings } from '../test/auth-settings.ts';
import { addressBucket } from './login-throttle.ts';

const database = useTestDatabase();
const failures = () => database.db.collection(COLLECTIONS.loginThrottle);
const PASSWORD = 'correct horse battery';

async function serverWith(env: Record<string, string> = {}, hasher?: PasswordHasher) {
  const auth = await startAuthServer(database.db, {
    config: await testAuthSettings({
      AUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT: '3',
      AUTH_LOGIN_WINDOW_SECONDS: '600',
      ...env,
    }),
    ...(hasher ? { hasher } : {}),
  });
  return auth;
}

/** A real hasher that counts the passwords it checks (known accounts and unknown ones alike). */
function countingHasher() {
  const real = createPasswordHasher(PASSWORD_HASH_FLOOR);
  const checked: string[] = [];
  const hasher: PasswordHasher = {
    ...real,
    verify(password, phc) {
      checked.push(password);
      return real.verify(password, phc);
    },
    spendVerifyTime(password) {
      checked.push(password);
      return real.spendVerifyTime(password);
    },
  };
  return { hasher, checked };
}

describe('login throttling', () => {
  it('locks an account after its failures, answers 429 with Retry-After, and lets it go when the window slides', async () => {
    const auth = await serverWith();
    const email = 'locked@example.com';
    await auth.post('/auth/register', { email, password: PASSWORD });
    for (let i = 0; i < 3; i++) {
      expect((await auth.post('/auth/login', { email, password: `wrong ${i}` })).status).toBe(401);
      auth.clock.advance(60);
    }
    // Even the right password is refused while the account is locked; the attempt is not counted.
    const before = await failures().countDocuments();
    const locked = await auth.post('/auth/login', { email, password: PASSWORD });
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe('rate_limited');
    // The oldest failure (3 minutes ago) leaves the 10-minute window in 7 minutes.
    expect(locked.headers.get('retry-after')).toBe('420');
    expect(await failures().countDocuments()).toBe(before);

    auth.clock.advance(419);
    expect((await auth.post('/auth/login', { email, password: PASSWORD })).status).toBe(429);
    auth.clock.advance(1);
    expect((await auth.post('/auth/login', { email, password: PASSWORD })).status).toBe(200);
    // Success forgives the account: three new failures are needed to lock it again.
    expect((await auth.post('/auth/login', { email, password: 'wrong again' })).status).toBe(401);
    expect((await auth.post('/auth/login', { email, password: PASSWORD })).status).toBe(200);
  });

  it('checks at most the limit of 40 parallel guesses at one account; the others are 429 unchecked', async () => {
    const { hasher, checked } = countingHasher();
    const auth = await serverWith({ AUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT: '10' }, hasher);
    const email = 'raced@example.com';
    expect((await auth.post('/auth/register', { email, password: PASSWORD })).status).toBe(201);
    const counted = () => failures().countDocuments({ kind: 'account' });
    const before = await counted();
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => auth.post('/auth/login', { email, password: `guess number ${i}` })),
    );
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status !== 401 && status !== 429)).toEqual([]);
    expect(checked.length).toBeLessThanOrEqual(10);
    expect(statuses.filter((status) => status === 401)).toHaveLength(checked.length);
    // Only the checked guesses count: the rest of the limit is still there, then the account locks.
    expect((await counted()) - before).toBe(checked.length);
    for (let i = checked.length; i < 10; i++) {
      expect((await auth.post('/auth/login', { email, password: `late guess ${i}` })).status).toBe(401);
    }
    expect((await auth.post('/auth/login', { email, password: PASSWORD })).status).toBe(429);
  });

  it('checks at most the limit of parallel guesses from one address at many accounts', async () => {
    const { hasher, checked } = countingHasher();
    const auth = await serverWith(
      { AUTH_LOGIN_MAX_FAILURES_PER_ADDRESS: '5', AUTH_CLIENT_ADDRESS_HEADER: 'X-Real-IP' },
      hasher,
    );
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        auth.post('/auth/login', { email: `sprayed${i}@example.com`, password: 'x' }, { 'x-real-ip': '198.51.100.77' }),
      ),
    );
    expect(checked.length).toBeLessThanOrEqual(5);
    expect(answers.filter((answer) => answer.status === 401)).toHaveLength(checked.length);
    expect(answers.filter((answer) => answer.status === 429)).toHaveLength(30 - checked.length);
  });

  it('treats an unknown email exactly like a known one', async () => {
    const auth = await serverWith();
    const known = 'known@example.com';
    await auth.post('/auth/register', { email: known, password: PASSWORD });
    const answers: Record<string, Array<[number, string | null]>> = { [known]: [], 'ghost@example.com': [] };
    for (const email of Object.keys(answers)) {
      for (let i = 0; i < 4; i++) {
        const answer = await auth.post('/auth/login', { email, password: 'wrong password' });
        answers[email]?.push([answer.status, answer.headers.get('retry-after')]);
      }
    }
    expect(answers[known]).toEqual([
      [401, null],
      [401, null],
      [401, null],
      [429, '600'],
    ]);
    expect(answers['ghost@example.com']).toEqual(answers[known]);
  });

  it('holds across instances: the counters live in MongoDB', async () => {
    const clock = testClock();
    const config = await testAuthSettings({ AUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT: '2' });
    const one = await startAuthServer(database.db, { config, clock });
    const two = await startAuthServer(database.db, { config, clock });
    const email = 'spread@example.com';
    expect((await one.post('/auth/login', { email, password: 'wrong one' })).status).toBe(401);
    expect((await two.post('/auth/login', { email, password: 'wrong two' })).status).toBe(401);
    expect((await one.post('/auth/login', { email, password: 'wrong three' })).status).toBe(429);
    expect((await two.post('/auth/login', { email, password: 'wrong three' })).status).toBe(429);
  });

  it('counts failures per client address across accounts, by X-Forwarded-For only behind a trusted proxy', async () => {
    const trusting = await serverWith({ AUTH_LOGIN_MAX_FAILURES_PER_ADDRESS: '4', AUTH_TRUSTED_PROXY_HOPS: '1' });
    const from = (address: string) => ({ 'x-forwarded-for': `203.0.113.99, ${address}` });
    for (let i = 0; i < 4; i++) {
      const answer = await trusting.post(
        '/auth/login',
        { email: `spray${i}@example.com`, password: 'x' },
        from('198.51.100.7'),
      );
      expect(answer.status).toBe(401);
    }
    const blocked = await trusting.post(
      '/auth/login',
      { email: 'spray9@example.com', password: 'x' },
      from('198.51.100.7'),
    );
    expect(blocked.status).toBe(429);
    // Another client behind the same proxy is not affected; the spoofed left entry does not count.
    const other = await trusting.post(
      '/auth/login',
      { email: 'spray9@example.com', password: 'x' },
      from('198.51.100.8'),
    );
    expect(other.status).toBe(401);

    // Not trusting the proxy: the header is ignored and every request counts for the socket's peer.
    const direct = await serverWith({ AUTH_LOGIN_MAX_FAILURES_PER_ADDRESS: '4' });
    for (let i = 0; i < 4; i++) {
      await direct.post('/auth/login', { email: `direct${i}@example.com`, password: 'x' }, from(`192.0.2.${i}`));
    }
    const peer = await direct.post('/auth/login', { email: 'direct9@example.com', password: 'x' }, from('192.0.2.200'));
    expect(peer.status).toBe(429);
  });

  it('counts failures per the gateway-set address header when one is configured (X-Real-IP behind Kong)', async () => {
    const behindKong = await serverWith({
      AUTH_LOGIN_MAX_FAILURES_PER_ADDRESS: '3',
      AUTH_CLIENT_ADDRESS_HEADER: 'X-Real-IP',
      AUTH_TRUSTED_PROXY_HOPS: '1',
    });
    // However many proxies appended to X-Forwarded-For (Knative's activator or not), the header decides.
    const from = (address: string, hops: string) => ({ 'x-real-ip': address, 'x-forwarded-for': hops });
    for (let i = 0; i < 3; i++) {
      const answer = await behindKong.post(
        '/auth/login',
        { email: `real${i}@example.com`, password: 'x' },
        from('198.51.100.20', `198.51.100.20, 10.0.0.${i}`),
      );
      expect(answer.status).toBe(401);
    }
    const blocked = await behindKong.post(
      '/auth/login',
      { email: 'real9@example.com', password: 'x' },
      from('198.51.100.20', '10.9.9.9, 10.0.0.1, 10.0.0.2'),
    );
    expect(blocked.status).toBe(429);
    const other = await behindKong.post(
      '/auth/login',
      { email: 'real9@example.com', password: 'x' },
      from('198.51.100.21', '198.51.100.20, 10.0.0.1'),
    );
    expect(other.status).toBe(401);
  });

  it('groups addresses: IPv4 one by one, IPv6 by /64, IPv4-mapped IPv6 as IPv4', () => {
    expect(addressBucket('192.0.2.1')).toBe('192.0.2.1');
    expect(addressBucket('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(addressBucket('2001:db8:0:1:aaaa::1')).toBe('2001:db8:0:1::/64');
    expect(addressBucket('2001:0DB8:0000:0001:ffff:ffff:ffff:ffff')).toBe('2001:db8:0:1::/64');
    expect(addressBucket('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressBucket('::1')).toBe('0:0:0:0::/64');
    expect(addressBucket('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });
});
