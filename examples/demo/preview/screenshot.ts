import { accessSync, constants, statSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** What Chromium goes by on PATH (Debian, Ubuntu, Google's packages), in the order they are tried. */
export const CHROMIUM_NAMES = [
  'chromium',
  'chromium-browser',
  'google-chrome',
  'google-chrome-stable',
] as const;

/** The environment variable naming the browser binary; it wins over PATH. */
export const CHROMIUM_PATH_ENV = 'CHROMIUM_PATH';

/** How to get a browser, for the one line that says there is none. */
const HOW_TO_GET_ONE = `apt-get install -y chromium, or set ${CHROMIUM_PATH_ENV} to a Chromium or Chrome binary`;

/** The browser to drive, or why there is none (one line, saying how to get one). */
export type ChromiumLookup = { readonly path: string } | { readonly missing: string };

/** Why `path` cannot be run, or undefined when it can. */
function notRunnable(path: string): string | undefined {
  try {
    if (!statSync(path).isFile()) return 'not a file';
    accessSync(path, constants.X_OK);
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EACCES' ? 'not executable' : 'not found';
  }
}

/**
 * Find Chromium: `CHROMIUM_PATH` when set (a set path that cannot be run is
 * reported, not passed over for PATH: the user asked for that one), else the
 * first of {@link CHROMIUM_NAMES} on `PATH`.
 *
 * @example
 * const found = findChromium();
 * console.log('path' in found ? found.path : `no PNG: ${found.missing}`);
 */
export function findChromium(
  env: Readonly<Record<string, string | undefined>> = process.env,
): ChromiumLookup {
  const configured = env[CHROMIUM_PATH_ENV];
  if (configured) {
    const path = resolve(configured);
    const problem = notRunnable(path);
    return problem
      ? {
          missing: `${CHROMIUM_PATH_ENV}=${configured} ${problem} (point it at a Chromium or Chrome binary, or unset it to look on PATH)`,
        }
      : { path };
  }
  const dirs = (env.PATH ?? '').split(delimiter).filter((dir) => dir !== '');
  for (const name of CHROMIUM_NAMES)
    for (const dir of dirs) {
      const path = resolve(dir, name);
      if (!notRunnable(path)) return { path };
    }
  return {
    missing: `Chromium not found on PATH (${CHROMIUM_NAMES.join(', ')}): ${HOW_TO_GET_ONE}`,
  };
}

function explicit(path: string): ChromiumLookup {
  const problem = notRunnable(path);
  return problem ? { missing: `${path} ${problem} (${HOW_TO_GET_ONE})` } : { path };
}

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
  /** The browser binary. @default - {@link findChromium} in `env` */
  readonly executablePath?: string;
  /** Where {@link findChromium} looks. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * A full-page PNG of a preview page at a 1600 px wide viewport, taken with
 * `playwright-core` driving Chromium (see {@link findChromium}) in a fresh
 * profile, once the page has set `window.__previewReady` (every chart drawn).
 * Any request that is not a local file is aborted. Without Chromium:
 * `{ skipped }` saying how to get it, not an error.
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
  const found = options.executablePath
    ? explicit(options.executablePath)
    : findChromium(options.env);
  if ('missing' in found) return { skipped: found.missing };
  const executablePath = found.path;
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
