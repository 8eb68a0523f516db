import { defineConfig } from 'vitest/config';

/**
 * Files that load the machine (50 streams at once, Chromium, a real model's replies), or stop,
 * kill and time real services. They run after the others, one file at a time, so that neither
 * they nor the others share the CPUs or the test FerretDB with a load they did not make.
 */
const HEAVY = [
  'test/load/**/*.test.ts',
  'bench/load/run-load.test.ts',
  'test/faults/**/*.test.ts',
  'functions/chat/src/routes/messages.disconnect.test.ts',
  'functions/chat/src/routes/messages.ollama-failure.test.ts',
  'functions/chat/src/routes/messages.limits.test.ts',
  'functions/chat/src/openai/completions.disconnect.test.ts',
  'test/browser/**/*.test.ts',
  'test/e2e/reply-stop-resume.test.ts',
  'test/e2e/reply-orphaned.test.ts',
  // A real model's reply and title take seconds alone and minutes beside the other files.
  'functions/chat/src/real-model.test.ts',
];

const EXCLUDE = ['**/node_modules/**', '**/dist/**'];

export default defineConfig({
  test: {
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'main',
          include: ['{packages,functions,ollama,kong,knative,local,test,bench}/**/*.test.ts'],
          exclude: [...EXCLUDE, ...HEAVY],
          // An explicit order: Vitest runs a project of one worker at order 0 after all others.
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          name: 'heavy',
          include: HEAVY,
          exclude: EXCLUDE,
          fileParallelism: false,
          // A backstop only: their own limits follow the pace they measure on the machine.
          testTimeout: 120_000,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
