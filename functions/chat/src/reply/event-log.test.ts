import { describe, expect, it } from 'vitest';
import { createEventLog } from './event-log.ts';

async function readAll<T>(events: AsyncGenerator<T>): Promise<T[]> {
  const read: T[] = [];
  for await (const event of events) read.push(event);
  return read;
}

describe('an event log', () => {
  it('gives every reader every event in order, from where it starts, whenever it starts', async () => {
    const log = createEventLog<number>();
    log.push(1);
    const early = readAll(log.read());
    log.push(2);
    await Promise.resolve();
    const late = readAll(log.read(1));
    log.push(3);
    log.end();
    expect(await early).toEqual([1, 2, 3]);
    expect(await late).toEqual([2, 3]);
    expect(await readAll(log.read())).toEqual([1, 2, 3]);
    expect(log.ended).toBe(true);
  });
});
