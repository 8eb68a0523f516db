import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { functionBundle } from '../../../test/support/bundles.ts';
import { documentedVariables } from '../../../test/support/env-documentation.ts';
import { startFunctionProcess } from '../../../test/support/function-process.ts';
import { webConfigSchema } from './config.ts';

// The web bundle as Knative runs it: `node server.js`, the page beside it in public/.
let bundle: string;
beforeAll(async () => {
  bundle = await functionBundle('web');
}, 120_000);

describe('the web bundle', () => {
  it('serves the page it was built with, from its code cache, and exits 0 on SIGTERM', async () => {
    const web = await startFunctionProcess(bundle, {});
    try {
      const page = await fetch(`${web.baseUrl}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<script type="module" src="/assets/main-');
      expect(await (await fetch(`${web.baseUrl}/readyz`)).json()).toEqual({ status: 'ready', checks: {} });
      expect(await (await fetch(`${web.baseUrl}/metrics`)).text()).toContain(
        'zerochat_cold_start_seconds{service="web"}',
      );
    } finally {
      expect(await web.stop('SIGTERM')).toBe(0);
    }
    expect(web.logs.find((line) => line.msg === 'listening')).toMatchObject({ codeCache: 'used' });
  });

  it('stops with exit 1 and one line naming WEB_ASSETS_DIR when it holds no page', async () => {
    const result = await promisify(execFile)(process.execPath, [bundle], {
      env: { PATH: process.env.PATH ?? '', WEB_ASSETS_DIR: dirname(bundle), PORT: '0' },
    }).catch((error: { code: number; stderr: string }) => error);
    expect('code' in result ? result.code : 0).toBe(1);
    expect(result.stderr).toContain('WEB_ASSETS_DIR');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('reads from the page folder WEB_ASSETS_DIR names', async () => {
    const web = await startFunctionProcess(bundle, { WEB_ASSETS_DIR: join(dirname(bundle), 'public') });
    try {
      expect((await fetch(`${web.baseUrl}/settings`)).status).toBe(200);
    } finally {
      await web.stop('SIGTERM');
    }
  });
});

describe('the web config', () => {
  it('documents every variable it reads in .env.example', async () => {
    const documented = await documentedVariables();
    expect(Object.keys(webConfigSchema.shape).filter((variable) => !documented.has(variable))).toEqual([]);
  });
});
