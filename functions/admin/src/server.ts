// Entry point: the only place that reads the environment and opens sockets.
import { readConfigOrExit, runFunction } from '@zerochat/runtime';
import { createApp } from './app.ts';
import { adminConfigSchema } from './config.ts';

const config = readConfigOrExit('admin', adminConfigSchema);
await runFunction({
  name: 'admin',
  config,
  build: ({ log, lifecycle, mongo }) => createApp({ config, log, lifecycle, mongo }),
});
