import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/** Resolve the package's own name to its TypeScript sources (see package.json exports). */
const SOURCE_CONDITION = 'observed-inference:source';

export default defineConfig({
  resolve: {
    conditions: [SOURCE_CONDITION, 'import', 'node', 'default'],
    // What the package's own files reach by its name, for files under bench/
    // (which has a package.json of its own): the same sources.
    alias: [
      {
        find: /^observed-inference$/,
        replacement: fileURLToPath(new URL('./lib/index.ts', import.meta.url)),
      },
    ],
  },
  ssr: {
    resolve: {
      conditions: [SOURCE_CONDITION, 'import', 'node', 'default'],
      externalConditions: [SOURCE_CONDITION],
    },
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Memory-bound tests collect garbage before measuring.
    execArgv: ['--expose-gc'],
    globalSetup: ['test/support/globalSetup.ts'],
    // The benchmark's handlers are .mjs, which vitest would leave to Node: run
    // through vite, with their `observed-inference` import aliased above.
    server: { deps: { inline: [/\/bench\/handlers\//] } },
    env: { CDK_VALIDATION: 'false' },
  },
});
