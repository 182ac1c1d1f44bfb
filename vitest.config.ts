import { defineConfig } from 'vitest/config';

/** Resolve the package's own name to its TypeScript sources (see package.json exports). */
const SOURCE_CONDITION = 'observed-inference:source';

export default defineConfig({
  resolve: { conditions: [SOURCE_CONDITION, 'import', 'node', 'default'] },
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
    env: { CDK_VALIDATION: 'false' },
  },
});
