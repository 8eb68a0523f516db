import { Ollama } from 'ollama/browser';
import { describe, expect, it } from 'vitest';
import { testServices, useTestDatabase } from './support/test-services.ts';

describe('the test services', () => {
  const database = useTestDatabase();

  it('round-trips documents through the MongoDB wire protocol', async () => {
    const things = database.db.collection<{ name: string; count: number }>('things');
    await things.createIndex({ name: 1 }, { unique: true });
    await things.insertOne({ name: 'first', count: 1 });
    const updated = await things.findOneAndUpdate(
      { name: 'first' },
      { $inc: { count: 2 } },
      { returnDocument: 'after' },
    );
    expect(updated).toMatchObject({ name: 'first', count: 3 });
    await expect(things.insertOne({ name: 'first', count: 9 })).rejects.toMatchObject({ code: 11000 });
  });

  it('streams a chat reply from the tiny model through the ollama client', async () => {
    const { ollamaHost, tinyModel } = testServices();
    const ollama = new Ollama({ host: ollamaHost });
    const stream = await ollama.chat({
      model: tinyModel,
      messages: [{ role: 'user', content: 'hello there' }],
      stream: true,
      options: { num_predict: 16, seed: 7 },
    });
    const parts: string[] = [];
    let final: { done_reason?: string; eval_count?: number } | undefined;
    for await (const chunk of stream) {
      if (chunk.message.content) parts.push(chunk.message.content);
      if (chunk.done) final = chunk;
    }
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.join('').trim().length).toBeGreaterThan(0);
    expect(final).toMatchObject({ done_reason: 'length', eval_count: 16 });
  });
});
