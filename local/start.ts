#!/usr/bin/env node
// npm start: zerochat in one process on http://localhost:8000 with no setup (see README.md).
// MongoDB from MONGODB_URI or an embedded FerretDB, Ollama from OLLAMA_HOST or a local binary,
// everything else generated into .data/ on the first start and reused after.
import { ConfigError, createLogger, parseConfig } from '@zerochat/runtime';
import { renderBanner } from './src/banner.ts';
import { localConfigSchema } from './src/config.ts';
import { type OneProcess, StartFailure, startOneProcess } from './src/start-one-process.ts';

const say = (line: string) => process.stderr.write(`${line}\n`);

let zerochat: OneProcess | undefined;
let stopping = false;
function stop(signal: NodeJS.Signals) {
  // Until it runs, and on a second signal, exit at once: the exit hook of the service
  // processes kills what was started, by pid.
  if (!zerochat || stopping) {
    say(`${signal}: stopping now`);
    process.exit(130);
  }
  stopping = true;
  say(`${signal}: stopping zerochat (in-flight replies get a moment to finish; again to stop at once) ...`);
  void zerochat.shutdown(signal).then(() => {
    say('stopped');
    process.exit(0);
  });
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

try {
  const config = parseConfig(localConfigSchema, process.env);
  const log = createLogger({ level: config.LOG_LEVEL, fields: { service: 'zerochat' } });
  say('starting zerochat ...');
  zerochat = await startOneProcess({ config, env: process.env, report: (line) => say(`  ${line}`), log });
  say(renderBanner(zerochat.summary));
} catch (error) {
  const expected = error instanceof ConfigError || error instanceof StartFailure;
  say(`npm start failed: ${error instanceof ConfigError ? 'invalid configuration: ' : ''}${(error as Error).message}`);
  // A failure the message does not explain gets its stack, for a bug report.
  if (!expected) console.error(error);
  process.exit(1);
}
