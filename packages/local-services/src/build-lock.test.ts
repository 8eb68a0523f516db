import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, expect, it } from 'vitest';
import { exclusively } from './build-lock.ts';

const dir = await mkdtemp(join(tmpdir(), 'zerochat-lock-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

it('lets one caller work at a time', async () => {
  const lock = join(dir, 'one-at-a-time.lock');
  const events: string[] = [];
  const work = (name: string) => async () => {
    events.push(`${name} starts`);
    await sleep(300);
    events.push(`${name} ends`);
  };
  await Promise.all([exclusively(lock, work('a')), exclusively(lock, work('b'))]);
  // Whichever comes first, the other starts only after it ended.
  const first = events[0]?.[0];
  const second = first === 'a' ? 'b' : 'a';
  expect(events).toEqual([`${first} starts`, `${first} ends`, `${second} starts`, `${second} ends`]);
});

it('takes over a lock whose owner died, and releases it when the work fails', async () => {
  const lock = join(dir, 'stale.lock');
  await mkdir(lock);
  await writeFile(join(lock, 'pid'), '2147483646');
  await expect(exclusively(lock, async () => Promise.reject(new Error('build failed')))).rejects.toThrow(
    'build failed',
  );
  expect(await exclusively(lock, async () => 'built')).toBe('built');
});
