import { existsSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Debian's Chromium (`apt-get install chromium`); the screenshot is skipped without it. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Quiet, offline, throwaway: no sandbox (containers), no GPU, no phoning home. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const VIEWPORT = { width: 1600, height: 900 };
const READY_TIMEOUT_MS = 30_000;

/** Where the PNG went, or why there is none. */
export type ScreenshotResult =
  | { readonly path: string; readonly bytes: number }
  | { readonly skipped: string };

/** Options of {@link screenshot}, for tests and other machines. */
export interface ScreenshotOptions {
  /** @default CHROMIUM_PATH */
  readonly executablePath?: string;
}

/**
 * A full-page PNG of a preview page at a 1600 px wide viewport, taken with
 * `playwright-core` driving Debian's Chromium in a fresh profile, once the
 * page has set `window.__previewReady` (every chart drawn). Any request that
 * is not a local file is aborted. Without Chromium: `{ skipped }`, not an error.
 *
 * @example
 * const result = await screenshot('dist/demo/dashboard.html', 'dist/demo/dashboard.png');
 * if ('skipped' in result) console.log(`no screenshot: ${result.skipped}`);
 */
export async function screenshot(
  htmlPath: string,
  pngPath: string,
  options: ScreenshotOptions = {},
): Promise<ScreenshotResult> {
  const executablePath = options.executablePath ?? CHROMIUM_PATH;
  if (!existsSync(executablePath))
    return { skipped: `${executablePath} not found (apt-get install chromium)` };
  const { chromium } = await import('playwright-core');
  const profile = await mkdtemp(join(tmpdir(), 'preview-chromium-'));
  try {
    // launchPersistentContext is how Playwright takes a --user-data-dir.
    const context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: VIEWPORT,
      deviceScaleFactor: 1,
      offline: true,
    });
    try {
      await context.route(
        (url) => url.protocol !== 'file:',
        (route) => route.abort(),
      );
      const page = context.pages()[0] ?? (await context.newPage());
      const pageErrors: string[] = [];
      page.on('pageerror', (error) => pageErrors.push(error.message));
      await page.goto(pathToFileURL(resolve(htmlPath)).href);
      await page
        .waitForFunction(
          () => (globalThis as { __previewReady?: boolean }).__previewReady === true,
          undefined,
          { timeout: READY_TIMEOUT_MS },
        )
        .catch((error: unknown) => {
          const why = pageErrors.length ? `: ${pageErrors.join('; ')}` : '';
          throw new Error(`${htmlPath} did not finish drawing${why}`, { cause: error });
        });
      await page.screenshot({ path: pngPath, fullPage: true });
    } finally {
      await context.close();
    }
    return { path: pngPath, bytes: (await stat(pngPath)).size };
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
}
