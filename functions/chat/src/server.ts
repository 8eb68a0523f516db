// Entry point: the only place that reads the environment and opens sockets.
import { accessTokenKeysOf, createAccessTokenVerifier, readConfigOrExit, runFunction } from '@zerochat/runtime';
import { createApp } from './app.ts';
import { chatConfigSchema } from './config.ts';
import { createModelServer } from './model-server.ts';

const config = readConfigOrExit('chat', chatConfigSchema);
const verifyAccessToken = createAccessTokenVerifier({
  keys: accessTokenKeysOf(config),
  issuer: config.AUTH_ISSUER,
  audience: config.AUTH_AUDIENCE,
});
const models = createModelServer({ host: config.OLLAMA_HOST });

await runFunction({
  name: 'chat',
  config,
  build: ({ log, lifecycle, mongo }) => createApp({ config, log, lifecycle, mongo, models, verifyAccessToken }),
});
