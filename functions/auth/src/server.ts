// Entry point: the only place that reads the environment and opens sockets.
import { readConfigOrExit, runFunction } from '@zerochat/runtime';
import { createApp } from './app.ts';
import { authConfigSchema } from './config.ts';

const config = readConfigOrExit('auth', authConfigSchema);
await runFunction({
  name: 'auth',
  config,
  build: ({ log, lifecycle, mongo }) => createApp({ config, log, lifecycle, mongo }),
});
