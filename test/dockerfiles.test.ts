import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';

// Docker cannot run here; these checks hold the Dockerfiles to what the deployment relies on.
describe.each(['auth', 'chat', 'admin', 'web'])('the %s Dockerfile', (fn) => {
  const stages = async () => {
    const text = await readFile(`functions/${fn}/Dockerfile`, 'utf8');
    const lines = text.split('\n').filter((line) => line.trim() && !line.trimStart().startsWith('#'));
    return lines
      .join('\n')
      .split(/^(?=FROM )/m)
      .map((stage) => stage.trim());
  };

  it('builds the bundle on Node 24 in a build stage', async () => {
    const [build] = await stages();
    expect(build).toMatch(/^FROM node:24[\w.-]* AS build/);
    expect(build).toContain(`RUN node tools/bundle-function.ts functions/${fn}`);
  });

  it('ships only the bundle, on Node 24, as a non-root user, without HEALTHCHECK', async () => {
    const all = await stages();
    const runtime = all.at(-1) ?? '';
    expect(all.length).toBeGreaterThanOrEqual(2);
    expect(runtime).toMatch(/^FROM gcr\.io\/distroless\/nodejs24-debian12:nonroot/);
    const copies = runtime.split('\n').filter((line) => line.startsWith('COPY'));
    const dist = `/src/functions/${fn}/dist`;
    // The loader, app.cjs, lazily loaded packages and the function's commands: every .js and
    // .cjs the build wrote; the code cache's directory must belong to the user that warms it.
    // web also ships the page it serves, built into dist/public/ by the same command.
    expect(copies).toEqual([
      `COPY --from=build --chown=nonroot:nonroot ${dist}/*.js ${dist}/*.cjs ./`,
      `COPY --from=build --chown=nonroot:nonroot ${dist}/.code-cache/ ./.code-cache/`,
      ...(fn === 'web' ? [`COPY --from=build --chown=nonroot:nonroot ${dist}/public/ ./public/`] : []),
    ]);
    expect(runtime).toContain('CMD ["server.js"]');
    expect(all.join('\n')).not.toContain('HEALTHCHECK');
  });

  it("warms the code cache with the image's own Node as in production, in exec form (distroless has no shell)", async () => {
    const runtime = (await stages()).at(-1) ?? '';
    const warm = runtime.indexOf('RUN ["/nodejs/bin/node", "server.js", "--warm-code-cache"]');
    expect(warm).toBeGreaterThan(-1);
    expect(runtime.indexOf('ENV NODE_ENV=production')).toBeLessThan(warm);
    expect(warm).toBeLessThan(runtime.indexOf('CMD'));
  });
});
