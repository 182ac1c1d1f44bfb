import { createReadStream, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { MAX_BASELINE_BYTES } from '../contract/limits.js';
import type { BaselineSample } from '../drift/baseline.js';
import { buildBaseline, MAX_FEATURES } from '../drift/build.js';
import { CliError, EXIT, errorCode, fsReason } from './errors.js';

/** `observed-inference baseline --help`. */
export const BASELINE_USAGE = `usage: observed-inference baseline <data.jsonl> --features a,b,c [--bins 10] [--model name@version] [--out baseline.json]

Build a drift baseline from a sample of training data.

  <data.jsonl>          one training example per line, either
                          {"features": {"amount": 12.5, ...}, "label": "legit", "confidence": 0.93}
                        or flat: {"amount": 12.5, ..., "label": "legit", "confidence": 0.93}
  --features a,b,c      the input features to describe (at most ${MAX_FEATURES})
  --bins n              bins per numeric feature, 2 to 100 (default 10)
  --model name@version  the model the baseline belongs to
  --out file            where to write the baseline (missing folders are created);
                        without it the baseline goes to stdout
  -h, --help            show this help`;

/** The options, each with an example value for the "needs a value" message. */
const OPTIONS = {
  features: 'amount,hour',
  bins: '10',
  model: 'fraud@3',
  out: 'model/baseline.json',
} as const;
type OptionName = keyof typeof OPTIONS;
const isOption = (name: string): name is OptionName => Object.hasOwn(OPTIONS, name);

const usageError = (message: string) => new CliError(message, EXIT.Usage);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** One JSONL line as a sample; a clear error names the line. */
export function toSample(line: string, lineNumber: number): BaselineSample {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw new CliError(
      `line ${lineNumber}: not JSON (${(error as Error).message}); each line must be one JSON object`,
    );
  }
  if (!isObj(value))
    throw new CliError(
      `line ${lineNumber}: expected a JSON object, got ${Array.isArray(value) ? 'an array' : JSON.stringify(value)}`,
    );
  const features = isObj(value.features) ? value.features : value;
  const label = value.label ?? value.prediction;
  const confidence = typeof value.confidence === 'number' ? value.confidence : undefined;
  return {
    features,
    ...(typeof label === 'string' || typeof label === 'number' || typeof label === 'boolean'
      ? { label }
      : {}),
    ...(confidence !== undefined ? { confidence } : {}),
  };
}

/** `-h`/`--help` among the arguments (before a `--`). */
export function wantsHelp(argv: readonly string[]): boolean {
  for (const arg of argv) {
    if (arg === '--') return false;
    if (arg === '--help' || arg === '-h') return true;
  }
  return false;
}

interface Args {
  file: string;
  features: string[];
  bins?: number;
  out?: string;
  model?: { name: string; version?: string };
}

function unknownOption(flag: string): CliError {
  const name = flag.replace(/^-+/, '');
  const near = Object.keys(OPTIONS).find(
    (o) => name.length >= 2 && (o.startsWith(name) || name.startsWith(o)),
  );
  const options = `${Object.keys(OPTIONS)
    .map((o) => `--${o}`)
    .join(', ')}, --help`;
  return usageError(
    `unknown option ${flag}: ${near ? `did you mean --${near}? ` : ''}the options are ${options}`,
  );
}

/** Split arguments into options (`--name value` or `--name=value`) and positionals. */
function readFlags(argv: readonly string[]): { flags: Map<OptionName, string>; files: string[] } {
  const flags = new Map<OptionName, string>();
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      files.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      files.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    const name = flag.slice(2);
    if (!flag.startsWith('--') || !isOption(name)) throw unknownOption(flag);
    const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined || value === '' || (eq === -1 && value.startsWith('--')))
      throw usageError(`${flag} needs a value, e.g. ${flag} ${OPTIONS[name]}`);
    flags.set(name, value);
  }
  return { flags, files };
}

function parseFeatures(value: string | undefined): string[] {
  if (value === undefined)
    throw usageError(
      `--features is required: the input features to describe, e.g. --features ${OPTIONS.features}`,
    );
  const features = [
    ...new Set(
      value
        .split(',')
        .map((f) => f.trim())
        .filter(Boolean),
    ),
  ];
  if (features.length === 0)
    throw usageError(`--features needs at least one name, e.g. --features ${OPTIONS.features}`);
  if (features.length > MAX_FEATURES)
    throw usageError(
      `--features lists ${features.length} names, at most ${MAX_FEATURES}: keep the ones whose drift matters`,
    );
  return features;
}

function parseBins(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const bins = Number(value);
  if (!Number.isInteger(bins) || bins < 2 || bins > 100)
    throw usageError(`--bins must be an integer from 2 to 100, got "${value}"`);
  return bins;
}

function parseModel(value: string | undefined): Args['model'] {
  if (value === undefined) return undefined;
  const at = value.indexOf('@');
  const name = (at === -1 ? value : value.slice(0, at)).trim();
  const version = at === -1 ? '' : value.slice(at + 1).trim();
  if (!name) throw usageError(`--model needs a name before the @, e.g. --model ${OPTIONS.model}`);
  return { name, ...(version ? { version } : {}) };
}

/**
 * Parse `baseline` arguments; a mistake throws a {@link CliError} naming the
 * argument and the fix.
 *
 * @example
 * parseArgs(['data.jsonl', '--features', 'amount,hour', '--bins', '5']);
 * // { file: 'data.jsonl', features: ['amount', 'hour'], bins: 5 }
 */
export function parseArgs(argv: readonly string[]): Args {
  const { flags, files } = readFlags(argv);
  if (files.length === 0)
    throw usageError(
      'missing the data file: give it first, e.g. observed-inference baseline data.jsonl --features a,b,c',
    );
  if (files.length > 1)
    throw usageError(
      `unexpected argument "${files[1]}": give one data file, and the features as one argument (--features a,b,c)`,
    );
  const features = parseFeatures(flags.get('features'));
  const bins = parseBins(flags.get('bins'));
  const model = parseModel(flags.get('model'));
  const out = flags.get('out');
  return {
    file: files[0]!,
    features,
    ...(bins !== undefined ? { bins } : {}),
    ...(out !== undefined ? { out } : {}),
    ...(model ? { model } : {}),
  };
}

function readError(file: string, error: unknown): CliError {
  const code = errorCode(error);
  const fix =
    code === 'ENOENT'
      ? `; check the path (relative to ${process.cwd()})`
      : code === 'EISDIR'
        ? '; give the .jsonl file itself'
        : '';
  return new CliError(`cannot read ${file}: ${fsReason(error)}${fix}`, EXIT.Failure, {
    cause: error,
  });
}

/** The samples of a JSONL file, streamed; a bad line or an unreadable file is a CliError. */
async function readSamples(file: string): Promise<BaselineSample[]> {
  const samples: BaselineSample[] = [];
  const input = createReadStream(file, 'utf8');
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let n = 0;
  try {
    for await (const line of lines) {
      n++;
      if (line.trim()) samples.push(toSample(line, n));
    }
  } catch (error) {
    if (error instanceof CliError) throw new CliError(`${file} ${error.message}`);
    throw readError(file, error);
  } finally {
    lines.close();
    input.destroy();
  }
  return samples;
}

/** Requested features that no sample has a value for: a typo in --features or the wrong file. */
function checkFeatures(file: string, samples: readonly BaselineSample[], features: string[]) {
  if (samples.length === 0)
    throw new CliError(`${file} has no examples: give one JSON object per line`);
  const missing = features.filter((name) =>
    samples.every((s) => s.features[name] === undefined || s.features[name] === null),
  );
  if (missing.length === 0) return;
  const keys = Object.keys(samples[0]!.features).slice(0, 20).join(', ');
  throw usageError(
    `--features: ${missing.join(', ')} not found in any line of ${file}; its first line has ${keys || 'no feature keys'}`,
  );
}

function writeOut(out: string, json: string): void {
  try {
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, json);
  } catch (error) {
    throw new CliError(
      `cannot write ${out}: ${fsReason(error)}; choose another --out or fix the folder`,
      EXIT.Failure,
      { cause: error },
    );
  }
}

/** A baseline the runtime would refuse unread is not written (long category values make one). */
function checkSize(json: string): void {
  const bytes = Buffer.byteLength(json);
  if (bytes <= MAX_BASELINE_BYTES) return;
  throw new CliError(
    `the baseline would be ${bytes} bytes, over the runtime's limit of ${MAX_BASELINE_BYTES}: ` +
      'drop features with long text values from --features, or bucket them first',
  );
}

/**
 * `observed-inference baseline …`: build a drift baseline from a JSONL sample.
 *
 * @example
 * await baselineCommand(['data.jsonl', '--features', 'amount,hour', '--out', 'model/baseline.json']);
 */
export async function baselineCommand(argv: readonly string[]): Promise<void> {
  const args = parseArgs(argv);
  const samples = await readSamples(args.file);
  checkFeatures(args.file, samples, args.features);
  const json = `${JSON.stringify(buildBaseline(samples, args), null, 2)}\n`;
  checkSize(json);
  if (args.out) {
    writeOut(args.out, json);
    console.error(`wrote ${args.out}: ${samples.length} samples, ${args.features.length} features`);
  } else {
    process.stdout.write(json);
  }
}
