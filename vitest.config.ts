import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{packages,functions,ollama,kong,knative,local,test,bench}/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
