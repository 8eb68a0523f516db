import { describe, expect, it } from 'vitest';
import type { Fixtures } from '../fixtures.ts';
import { besideComparison, functionSubjects } from './function-subjects.ts';

const fixtures = {
  mongoUri: 'mongodb://127.0.0.1:1/',
  dbName: 'bench',
  env: { MONGODB_URI: 'mongodb://127.0.0.1:1/', MONGODB_DB: 'bench' },
  signingJwks: '{"keys":[]}',
  user: { id: 'u', email: 'user@example.com', password: 'p', token: 't' },
  admin: { id: 'a', email: 'admin@example.com', token: 'a' },
  signToken: async () => 't',
} satisfies Fixtures;
const subjects = (dir: string) =>
  functionSubjects(['auth', 'chat'], { auth: `${dir}/auth/server.js`, chat: `${dir}/chat/server.js` }, fixtures, {
    ollamaHost: 'http://127.0.0.1:9',
  });

describe('another build beside this one (--compare)', () => {
  it("puts each function's other build right after it, so that a run alternates them", () => {
    const both = besideComparison(subjects('/this'), subjects('/other'));
    expect(both.map((subject) => subject.name)).toEqual([
      'auth',
      'auth (compare)',
      'auth (first login)',
      'auth (first login) (compare)',
      'chat',
      'chat (compare)',
    ]);
    expect(both.map((subject) => subject.spec(1234).args.at(-1))).toEqual([
      '/this/auth/server.js',
      '/other/auth/server.js',
      '/this/auth/server.js',
      '/other/auth/server.js',
      '/this/chat/server.js',
      '/other/chat/server.js',
    ]);
  });

  it('leaves the subjects alone without another build', () => {
    expect(besideComparison(subjects('/this'), []).map((subject) => subject.name)).toEqual([
      'auth',
      'auth (first login)',
      'chat',
    ]);
  });
});
