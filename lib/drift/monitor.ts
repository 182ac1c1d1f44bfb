import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { ENV } from '../contract/environment.js';
import {
  MAX_BASELINE_BYTES,
  MAX_DRIFT_BODY_CHARS,
  MAX_PARSED_BODY_CHARS,
} from '../contract/limits.js';
import { ConfigError } from '../errors.js';
import type { Prediction } from '../types.js';
import type { Baseline } from './baseline.js';
import { parseBaseline } from './parse.js';
import { DEFAULT_WINDOW, type DriftReport, DriftWindow, type WindowOptions } from './window.js';

/** Keys under which batch inputs usually carry their rows. */
const BATCH_KEYS = [
  'instances',
  'inputs',
  'records',
  'transactions',
  'items',
  'batch',
  'data',
] as const;

/**
 * The feature rows of a model input: an array's elements, the array under a
 * usual batch key (`instances`, `transactions`, …), else the input itself. A
 * big body left unparsed by `defaultInput` (text or bytes) is parsed here, up
 * to {@link MAX_DRIFT_BODY_CHARS}: only drift pays for it, and only when on.
 *
 * @example
 * defaultFeatureRows({ instances: [{ amount: 1 }, { amount: 2 }] }).length; // 2
 */
export function defaultFeatureRows(input: unknown): readonly unknown[] {
  const value = unparsedBody(input) ?? input;
  if (Array.isArray(value)) return value;
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    for (const key of BATCH_KEYS) if (Array.isArray(record[key])) return record[key] as unknown[];
  }
  return [value];
}

/** The JSON value of an unparsed big body, if it is one and small enough. */
function unparsedBody(input: unknown): unknown {
  const size = typeof input === 'string' || input instanceof Uint8Array ? input.length : 0;
  if (size <= MAX_PARSED_BODY_CHARS || size > MAX_DRIFT_BODY_CHARS) return undefined;
  const text =
    typeof input === 'string' ? input : Buffer.from(input as Uint8Array).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** A window that closed with too few predictions to judge. */
export const TOO_SMALL = Symbol('drift window too small');

/**
 * Online drift for one execution environment: feeds each prediction into the
 * current window and, when it closes, returns PSI scores against the baseline.
 */
export class DriftMonitor {
  #window: DriftWindow | undefined;

  constructor(baseline: Baseline, window: Partial<WindowOptions> = {}) {
    this.#window = new DriftWindow(baseline, { ...DEFAULT_WINDOW, ...window });
  }

  /** Count an invocation's predictions; a closed window's report, `TOO_SMALL`, or undefined. */
  record(
    rows: readonly unknown[],
    predictions: readonly Prediction[],
    nowMs: number,
  ): DriftReport | typeof TOO_SMALL | undefined {
    const window = this.#window;
    if (!window) return undefined;
    for (let i = 0; i < predictions.length; i++) {
      const p = predictions[i]!;
      window.add(
        rows.length === predictions.length ? rows[i] : rows[0],
        p.label,
        p.confidence,
        nowMs,
      );
    }
    if (!window.due(nowMs)) return undefined;
    return window.close() ?? TOO_SMALL;
  }
}

/**
 * Read a baseline from a file: an absolute path, or one relative to the
 * function's code (`LAMBDA_TASK_ROOT`), the layers (`/opt`) or the working
 * directory, in that order. S3 URIs are read by {@link loadBaselineFromS3}.
 * A file over {@link MAX_BASELINE_BYTES} is refused from its size, unread: a
 * ConfigError naming `variable`, the file, its size and the limit.
 *
 * @example
 * const baseline = loadBaselineFile('model/baseline.json', process.env.LAMBDA_TASK_ROOT);
 */
export function loadBaselineFile(
  path: string,
  taskRoot: string | undefined,
  variable: string = ENV.Baseline,
): Baseline {
  const candidates = isAbsolute(path)
    ? [path]
    : [taskRoot && join(taskRoot, path), join('/opt', path), join(process.cwd(), path)].filter(
        (p): p is string => Boolean(p),
      );
  let lastError: unknown;
  for (const candidate of candidates) {
    try {
      checkSize(variable, candidate, statSync(candidate).size);
      return parseBaseline(JSON.parse(readFileSync(candidate, 'utf8')));
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      lastError = error;
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') break;
    }
  }
  const reason = lastError instanceof Error ? lastError.message : String(lastError);
  throw new Error(`cannot read baseline '${path}' (tried ${candidates.join(', ')}): ${reason}`);
}

/** Refuse a baseline too big to be a real one before it is read or parsed. */
function checkSize(variable: string, where: string, bytes: number): void {
  if (bytes <= MAX_BASELINE_BYTES) return;
  const mb = (bytes / 1024 ** 2).toFixed(1);
  throw new ConfigError(
    variable,
    `baseline '${where}' is ${bytes} bytes (${mb} MiB), over the limit of ${MAX_BASELINE_BYTES} bytes; ` +
      'a baseline of 30 features with 100 bins each is under 100 KB: rebuild it with `observed-inference baseline`',
  );
}

/**
 * Read a baseline from `s3://bucket/key` with the AWS SDK the Lambda runtime
 * provides; an object over {@link MAX_BASELINE_BYTES} is refused from its
 * `ContentLength`, before its body is read.
 *
 * @example
 * const baseline = await loadBaselineFromS3('s3://models/fraud/baseline.json');
 */
export async function loadBaselineFromS3(
  uri: string,
  variable: string = ENV.Baseline,
): Promise<Baseline> {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (!match) throw new Error(`'${uri}' is not an s3://bucket/key URI`);
  const { S3Client, GetObjectCommand } = await import('@aws-sdk/client-s3');
  const out = await new S3Client({}).send(
    new GetObjectCommand({ Bucket: match[1], Key: match[2] }),
  );
  if (out.ContentLength !== undefined && out.ContentLength > MAX_BASELINE_BYTES) {
    // The body is a socket stream in Node: end it rather than download what is refused.
    (out.Body as { destroy?: () => void } | undefined)?.destroy?.();
    checkSize(variable, uri, out.ContentLength);
  }
  const text = (await out.Body?.transformToString('utf8')) ?? '';
  checkSize(variable, uri, Buffer.byteLength(text));
  return parseBaseline(JSON.parse(text));
}
