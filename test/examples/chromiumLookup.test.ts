/**
 * Where the demo finds the browser for its dashboard PNG
 * (`examples/demo/preview/screenshot.ts`). The "browsers" here are empty
 * shell scripts in a temp dir: enough for the lookup logic, never launched.
 * Whether a real Chromium draws the page is `preview.render.test.ts`'s job.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findChromium, screenshot } from '../../examples/demo/preview/screenshot.js';

const root = mkdtempSync(join(tmpdir(), 'chromium-lookup-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A fake executable `name` in `dir` (mode 755 unless told). */
function fake(dir: string, name: string, mode = 0o755): string {
  mkdirSync(join(root, dir), { recursive: true });
  const path = join(root, dir, name);
  writeFileSync(path, '#!/bin/sh\nexit 0\n');
  chmodSync(path, mode);
  return path;
}

const onPath = (...dirs: string[]) => dirs.map((d) => join(root, d)).join(delimiter);

describe('findChromium()', () => {
  const chromium = fake('debian', 'chromium');
  const chromiumBrowser = fake('ubuntu', 'chromium-browser');
  const chrome = fake('google', 'google-chrome-stable');
  fake('not-executable', 'chromium', 0o644);
  mkdirSync(join(root, 'a-directory', 'chromium'), { recursive: true });

  it('finds chromium on PATH', () => {
    expect(findChromium({ PATH: onPath('empty', 'debian') })).toEqual({ path: chromium });
  });

  it('finds chromium-browser and google-chrome-stable under those names', () => {
    expect(findChromium({ PATH: onPath('ubuntu') })).toEqual({ path: chromiumBrowser });
    expect(findChromium({ PATH: onPath('google') })).toEqual({ path: chrome });
  });

  it('prefers chromium to the other names, wherever each is on PATH', () => {
    expect(findChromium({ PATH: onPath('google', 'ubuntu', 'debian') })).toEqual({
      path: chromium,
    });
  });

  it('passes over a chromium that is not an executable file', () => {
    expect(findChromium({ PATH: onPath('not-executable', 'a-directory', 'ubuntu') })).toEqual({
      path: chromiumBrowser,
    });
  });

  it('takes CHROMIUM_PATH over PATH', () => {
    expect(findChromium({ PATH: onPath('debian'), CHROMIUM_PATH: chrome })).toEqual({
      path: chrome,
    });
  });

  it('says so when CHROMIUM_PATH is set but cannot be run, rather than looking on PATH', () => {
    const missing = join(root, 'nowhere', 'chrome');
    expect(findChromium({ PATH: onPath('debian'), CHROMIUM_PATH: missing })).toEqual({
      missing: expect.stringMatching(/^CHROMIUM_PATH=\S+nowhere\/chrome not found \(point it at/),
    });
    expect(findChromium({ CHROMIUM_PATH: join(root, 'not-executable', 'chromium') })).toMatchObject(
      { missing: expect.stringMatching(/not executable/) },
    );
  });

  it('says how to get one when there is none', () => {
    const result = findChromium({ PATH: onPath('empty', 'not-executable') });
    expect(result).toEqual({
      missing: expect.stringContaining('apt-get install -y chromium, or set CHROMIUM_PATH'),
    });
    expect(findChromium({})).toMatchObject({
      missing: expect.stringMatching(/^Chromium not found/),
    });
  });
});

describe('screenshot() without a browser', () => {
  it('skips the PNG with the lookup’s reason', async () => {
    const result = await screenshot(join(root, 'page.html'), join(root, 'page.png'), {
      env: { PATH: onPath('empty') },
    });
    expect(result).toEqual({ skipped: expect.stringMatching(/^Chromium not found on PATH/) });
  });
});
