// The chat function as functions/chat/src/server.ts starts it, from source, for the A/B of the
// session check: with --without-session-check the check that every access token's session is
// live is replaced by one that asks nothing, so the two processes differ in that alone.
import { readConfigOrExit, runFunction } from '@zerochat/runtime';
import { createApp } from '../../../functions/chat/src/app.ts';
import { chatConfigSchema } from '../../../functions/chat/src/config.ts';
import { createModelServer } from '../../../functions/chat/src/model-server.ts';

const withoutCheck = process.argv.includes('--without-session-check');
const config = readConfigOrExit('chat', chatConfigSchema);
const models = createModelServer({ host: config.OLLAMA_HOST });
await runFunction({
  name: 'chat',
  config,
  build: ({ log, lifecycle, mongo }) =>
    createApp({ config, log, lifecycle, mongo, models, ...(withoutCheck ? { sessions: async () => true } : {}) }),
});
