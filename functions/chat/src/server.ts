// Entry point: the only place that reads the environment and opens sockets.
import { readConfigOrExit, runFunction } from '@zerochat/runtime';
import { createApp } from './app.ts';
import { chatConfigSchema } from './config.ts';

const config = readConfigOrExit('chat', chatConfigSchema);
await runFunction({
  name: 'chat',
  config,
  build: ({ log, lifecycle, mongo }) => createApp({ config, log, lifecycle, mongo }),
});
