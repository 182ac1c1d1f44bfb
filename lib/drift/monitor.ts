import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { MAX_DRIFT_BODY_CHARS, MAX_PARSED_BODY_CHARS } from '../contract/limits.js';
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
 */
export function loadBaselineFile(path: string, taskRoot: string | undefined): Baseline {
  const candidates = isAbsolute(path)
    ? [path]
    : [taskRoot && join(taskRoot, path), join('/opt', path), join(process.cwd(), path)].filter(
        (p): p is string => Boolean(p),
      );
  let lastError: unknown;
  for (const candidate of candidates) {
    try {
      return parseBaseline(JSON.parse(readFileSync(candidate, 'utf8')));
    } catch (error) {
      lastError = error;
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') break;
    }
  }
  const reason = lastError instanceof Error ? lastError.message : String(lastError);
  throw new Error(`cannot read baseline '${path}' (tried ${candidates.join(', ')}): ${reason}`);
}

/** Read a baseline from `s3://bucket/key` with the AWS SDK the Lambda runtime provides. */
export async function loadBaselineFromS3(uri: string): Promise<Baseline> {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (!match) throw new Error(`'${uri}' is not an s3://bucket/key URI`);
  const { S3Client, GetObjectCommand } = await import('@aws-sdk/client-s3');
  const out = await new S3Client({}).send(
    new GetObjectCommand({ Bucket: match[1], Key: match[2] }),
  );
  const text = (await out.Body?.transformToString('utf8')) ?? '';
  return parseBaseline(JSON.parse(text));
}
