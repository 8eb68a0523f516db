// The chat function as functions/chat/src/server.ts starts it, from source, for the A/B of the
// session check: with --without-session-check the check that every access token's session is
// live is replaced by one that asks nothing, so the two processes differ in that alone.

import { createApp } from '@zerochat/chat';
import { chatConfigSchema } from '@zerochat/chat/config';
import { createModelServer } from '@zerochat/chat/model-server';
import { readConfigOrExit, runFunction } from '@zerochat/runtime';

const withoutCheck = process.argv.includes('--without-session-check');
const config = readConfigOrExit('chat', chatConfigSchema);
const models = createModelServer({ host: config.OLLAMA_HOST });
await runFunction({
  name: 'chat',
  config,
  build: ({ log, lifecycle, mongo }) =>
    createApp({ config, log, lifecycle, mongo, models, ...(withoutCheck ? { sessions: async () => true } : {}) }),
});
