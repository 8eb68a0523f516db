import { COLLECTIONS, type RefreshTokenDocument } from '@zerochat/data';
import { ObjectId } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../test/support/test-services.ts';
import { ensureAccountIndexes } from './accounts.ts';
import { createSessionStore, hashRefreshToken, type SessionStore } from './sessions.ts';

const database = useTestDatabase();
let clock = new Date('2026-11-26T12:00:00Z');
const tokens = () => database.db.collection<RefreshTokenDocument>(COLLECTIONS.refreshTokens);
let sessions: SessionStore;

beforeAll(async () => {
  await ensureAccountIndexes(database.db);
  sessions = createSessionStore({
    collection: tokens(),
    ttlSeconds: 3600,
    maxAgeSeconds: 4 * 3600,
    reuseGraceSeconds: 10,
    now: () => clock,
  });
});

const live = (familyId: string) => tokens().countDocuments({ familyId, revokedAt: { $exists: false } });

describe('refresh-token sessions', () => {
  it('issues 256-bit tokens and stores only their SHA-256', async () => {
    const userId = new ObjectId();
    const session = await sessions.start(userId);
    expect(session.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(session.refreshToken, 'base64url')).toHaveLength(32);
    expect(session.expiresAt).toEqual(new Date(clock.getTime() + 3600_000));
    const stored = await tokens().findOne({ userId });
    expect(stored).toMatchObject({
      tokenHash: hashRefreshToken(session.refreshToken),
      familyId: session.familyId,
      parentHash: `family:${session.familyId}`,
    });
    expect(JSON.stringify(stored)).not.toContain(session.refreshToken);
  });

  it('rotates within the family and refuses the spent token as reuse, revoking the family', async () => {
    const first = await sessions.start(new ObjectId());
    const second = await sessions.rotate(first.refreshToken);
    if (!second.ok) throw new Error('rotation failed');
    expect(second.next.familyId).toBe(first.familyId);
    const third = await sessions.rotate(second.next.refreshToken);
    expect(third.ok).toBe(true);
    // An older token than the newest's parent is reuse even within the grace.
    expect(await sessions.rotate(first.refreshToken)).toEqual({ ok: false, reason: 'reused' });
    expect(await live(first.familyId)).toBe(0);
    expect(third.ok && (await sessions.rotate(third.next.refreshToken))).toEqual({ ok: false, reason: 'revoked' });
  });

  it('spends a token once under concurrency; up to three retries within the grace get tokens of their own', async () => {
    const { refreshToken, familyId } = await sessions.start(new ObjectId());
    const four = await Promise.all(Array.from({ length: 4 }, () => sessions.rotate(refreshToken)));
    expect(four.every((result) => result.ok && result.next.familyId === familyId)).toBe(true);
    expect(await tokens().countDocuments({ parentHash: hashRefreshToken(refreshToken) })).toBe(1);
    expect(await live(familyId)).toBe(5);
    // A fifth presentation is more than retries: the family ends.
    expect(await sessions.rotate(refreshToken)).toEqual({ ok: false, reason: 'reused' });
    expect(await live(familyId)).toBe(0);
  });

  it('ends a family at its absolute end: tokens expire then, whatever their refresh lifetime', async () => {
    const start = clock;
    const session = await sessions.start(new ObjectId());
    expect(session.sessionExpiresAt).toEqual(new Date(start.getTime() + 4 * 3600_000));
    let token = session.refreshToken;
    // A rotation every 50 minutes keeps the one-hour tokens fresh, but not the four-hour session.
    for (let turn = 1; turn <= 4; turn++) {
      clock = new Date(start.getTime() + turn * 50 * 60_000);
      const rotation = await sessions.rotate(token);
      if (!rotation.ok) throw new Error(`rotation failed: ${rotation.reason}`);
      expect(rotation.next.sessionExpiresAt).toEqual(session.sessionExpiresAt);
      expect(rotation.next.expiresAt.getTime()).toBeLessThanOrEqual(session.sessionExpiresAt.getTime());
      token = rotation.next.refreshToken;
    }
    clock = session.sessionExpiresAt;
    expect(await sessions.rotate(token)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses expired and unknown tokens without touching anything', async () => {
    const { refreshToken, familyId } = await sessions.start(new ObjectId());
    clock = new Date(clock.getTime() + 3600_000);
    expect(await sessions.rotate(refreshToken)).toEqual({ ok: false, reason: 'expired' });
    expect(await sessions.rotate('A'.repeat(43))).toEqual({ ok: false, reason: 'unknown' });
    expect(await sessions.rotate('eyJhbGciOiJFUzI1NiJ9.e30.sig')).toEqual({ ok: false, reason: 'unknown' });
    expect(await tokens().countDocuments({ familyId })).toBe(1);
    expect(await live(familyId)).toBe(1);
  });

  it('ends one session, or every session of one user', async () => {
    const ada = new ObjectId();
    const bob = new ObjectId();
    const [one, two, bobs] = await Promise.all([sessions.start(ada), sessions.start(ada), sessions.start(bob)]);
    expect(await sessions.endSessionOf(one.refreshToken)).toBe(true);
    expect(await sessions.endSessionOf('A'.repeat(43))).toBe(false);
    expect(await live(one.familyId)).toBe(0);
    expect(await live(two.familyId)).toBe(1);
    await sessions.revokeAllForUser(ada);
    expect(await tokens().countDocuments({ userId: ada, revokedAt: { $exists: false } })).toBe(0);
    expect(await live(bobs.familyId)).toBe(1);
  });

  it('revokes a successor inserted after its family was revoked', async () => {
    const { refreshToken, familyId } = await sessions.start(new ObjectId());
    // A revocation that marked the family after this rotation read its (still live) token.
    await tokens().insertOne({
      _id: new ObjectId(),
      userId: new ObjectId(),
      familyId,
      tokenHash: 'revoked-sibling',
      parentHash: 'revoked-sibling',
      createdAt: clock,
      expiresAt: clock,
      revokedAt: clock,
    });
    const rotation = await sessions.rotate(refreshToken);
    expect(rotation.ok).toBe(true);
    expect(rotation.ok && (await sessions.rotate(rotation.next.refreshToken))).toEqual({
      ok: false,
      reason: 'revoked',
    });
  });
});
