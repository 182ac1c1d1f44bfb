import { describe, expect, it } from 'vitest';
import { MAX_STACK_FRAMES, parseV8Stack } from '../../../lib/tracing/xrayCause.js';

describe('parseV8Stack', () => {
  it('parses named, anonymous, async, ESM and eval frames', () => {
    const stack = [
      'TypeError: bad input',
      '    at predict (/var/task/model.js:12:9)',
      '    at /var/task/index.js:20:3',
      '    at async Promise.all (index 0)',
      '    at new Model (file:///var/task/model.mjs:3:15)',
      '    at eval (eval at load (/var/task/loader.js:1:1), <anonymous>:1:1)',
      '    at C:\\app\\handler.js:7:2',
    ].join('\n');
    expect(parseV8Stack(stack)).toEqual({
      frames: [
        { path: '/var/task/model.js', line: 12, label: 'predict' },
        { path: '/var/task/index.js', line: 20 },
        { path: 'index 0', label: 'async Promise.all' },
        { path: 'file:///var/task/model.mjs', line: 3, label: 'new Model' },
        { path: 'eval at load (/var/task/loader.js:1:1), <anonymous>', line: 1, label: 'eval' },
        { path: 'C:\\app\\handler.js', line: 7 },
      ],
      truncated: 0,
    });
  });

  it('keeps the top frames and counts the rest as truncated', () => {
    const lines = Array.from({ length: 80 }, (_, i) => `    at f${i} (/var/task/a.js:${i + 1}:1)`);
    const { frames, truncated } = parseV8Stack(['Error: deep', ...lines].join('\n'));
    expect(frames).toHaveLength(MAX_STACK_FRAMES);
    expect(frames[0]).toEqual({ path: '/var/task/a.js', line: 1, label: 'f0' });
    expect(truncated).toBe(80 - MAX_STACK_FRAMES);
  });

  it('ignores message lines and survives pathological input quickly', () => {
    expect(parseV8Stack('Error: multi\nline message\n').frames).toEqual([]);
    const nasty = `    at ${' ('.repeat(200_000)}`;
    const started = performance.now();
    expect(parseV8Stack(nasty).frames).toHaveLength(1);
    expect(performance.now() - started).toBeLessThan(100);
  });
});
