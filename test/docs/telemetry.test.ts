import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { described, renderTelemetry, TELEMETRY_DOC } from '../../docs/generate.js';
import { ENV, METRIC } from '../../lib/telemetry.js';
import { repoRoot } from '../support/paths.js';

describe('docs/telemetry.md', () => {
  it('is what `npm run docs` generates from lib/telemetry.ts', () => {
    const committed = readFileSync(join(repoRoot, TELEMETRY_DOC), 'utf8');
    // On a difference: run `npm run docs` and commit docs/telemetry.md.
    expect(committed, `${TELEMETRY_DOC} is stale: run npm run docs`).toBe(renderTelemetry());
  });

  it('names every metric and environment variable of the contract', () => {
    const text = renderTelemetry();
    for (const name of [...Object.values(METRIC), ...Object.values(ENV)])
      expect(text).toContain(`\`${name}\``);
  });
});

describe('the generator', () => {
  it('refuses a contract name without a description, and a description without a name', () => {
    expect(() => described('METRIC', { A: 'A', B: 'B' }, { A: 'a', C: 'c' } as never)).toThrow(
      /METRIC in lib\/telemetry.ts and its descriptions differ; describe B; no longer in the contract: C/,
    );
  });
});
