import { relative } from 'node:path';
import type { OneProcessSummary } from './start-one-process.ts';

/** Reads one field of a JSON answer in the shell; any Node will do, so none of jq is needed. */
const field = (name: string) => `node -pe 'JSON.parse(require("fs").readFileSync(0, "utf8")).${name}'`;

/** A copy-paste sequence: log in as the first admin, open a conversation, stream a reply. */
export function tryItCommands(url: string, adminFile: string): string {
  return [
    `TOKEN=$(curl -s ${url}/auth/login -H 'content-type: application/json' -d @${adminFile} | ${field('accessToken')})`,
    `CONVERSATION=$(curl -s ${url}/chat/conversations -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' -d '{"title":"First chat"}' | ${field('id')})`,
    `curl -sN ${url}/chat/conversations/$CONVERSATION/messages -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' -d '{"content":"Hello! What can you do?","options":{"num_predict":48}}'`,
  ].join('\n');
}

/** What `npm start` prints once zerochat answers: where it is, what it uses, how to try it. */
export function renderBanner(summary: OneProcessSummary, cwd = process.cwd()): string {
  const shown = (path: string) => (path.startsWith(cwd) ? relative(cwd, path) || '.' : path);
  const steps = summary.bootstrap.steps.map((step) => `    ${step.step}: ${step.outcome} — ${step.reason}`);
  const bootstrap = [`  Bootstrap: ${summary.bootstrap.status} (${summary.bootstrap.durationMs} ms)`, ...steps];
  const base = summary.baseModel;
  const model = !summary.ollama
    ? '  Model:     none — chat answers 503 upstream_unavailable; run with OLLAMA_HOST=<host:port> to use a running Ollama'
    : base?.standIn === 'tiny-model'
      ? `  Model:     ${summary.model} on ${base.baseModel}, the tiny test model: neither ${base.wanted} nor SmolLM2 could be had (offline?), so replies are gibberish`
      : base?.standIn === 'offline-model'
        ? `  Model:     ${summary.model} on ${base.baseModel}, SmolLM2 135M from PyPI: ${base.wanted} could not be pulled (offline?); a small model, simple answers`
        : `  Model:     ${summary.model} on ${base?.baseModel}`;
  return [
    '',
    `zerochat is running at ${summary.url}`,
    `  Open:      ${summary.url}/ in a browser to chat (sign in as the admin below, or create an account)`,
    `  API docs:  ${summary.url}/auth/docs  ${summary.url}/chat/docs  ${summary.url}/admin/docs`,
    `  MongoDB:   ${summary.mongo}`,
    `  Ollama:    ${summary.ollama ?? `none (${summary.noOllama})`}`,
    model,
    `  Admin:     ${summary.secrets.admin.email}; the password is in ${shown(summary.secrets.adminFile)} (readable by you only)`,
    `  Data:      ${shown(summary.dataDir)} (signing keys, admin password${summary.mongo.startsWith('started') ? ', database' : ''}${summary.ollama?.includes('started') ? ', models' : ''}; reused by the next start)`,
    ...bootstrap,
    '',
    'Or from a shell: log in as the admin, open a conversation and stream a reply:',
    '',
    tryItCommands(summary.url, summary.secrets.adminFile),
    '',
    'Ctrl-C stops zerochat and everything it started.',
    '',
  ].join('\n');
}
