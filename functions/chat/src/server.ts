// Entry point: the only place that reads the environment and opens sockets. `main()` runs
// when this file is started directly (node src/server.ts) or by the bundle's dist/server.js.
import { accessTokenKeysOf, createAccessTokenVerifier, readConfigOrExit, runFunction } from '@zerochat/runtime';
import { createApp } from './app.ts';
import { chatConfigSchema } from './config.ts';
import { createModelServer } from './model-server.ts';

export async function main(): Promise<void> {
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
}

if (import.meta.main) await main();
