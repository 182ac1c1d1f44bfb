import { createReadStream, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { BaselineSample } from '../drift/baseline.js';
import { buildBaseline } from '../drift/build.js';

const USAGE = `usage: observed-inference baseline <data.jsonl> --features a,b,c [--bins 10] [--model name@version] [--out baseline.json]

Each line of data.jsonl is one training example, either
  {"features": {"amount": 12.5, ...}, "label": "legit", "confidence": 0.93}
or flat: {"amount": 12.5, ..., "label": "legit", "confidence": 0.93}`;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** One JSONL line as a sample; a clear error names the line. */
export function toSample(line: string, lineNumber: number): BaselineSample {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw new Error(`line ${lineNumber}: not JSON (${(error as Error).message})`);
  }
  if (!isObj(value)) throw new Error(`line ${lineNumber}: expected a JSON object`);
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

interface Args {
  file: string;
  features: string[];
  bins?: number;
  out?: string;
  model?: { name: string; version?: string };
}

/** Parse `baseline` arguments; throws the usage on a mistake. */
export function parseArgs(argv: readonly string[]): Args {
  const flags = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg.startsWith('--')) flags.set(arg.slice(2), argv[++i] ?? '');
    else positional.push(arg);
  }
  const features = (flags.get('features') ?? '')
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  if (positional.length !== 1 || features.length === 0) throw new Error(USAGE);
  const bins = flags.has('bins') ? Number(flags.get('bins')) : undefined;
  const model = flags.get('model');
  const [name, version] = model ? model.split('@') : [];
  return {
    file: positional[0]!,
    features,
    ...(bins !== undefined ? { bins } : {}),
    ...(flags.get('out') ? { out: flags.get('out') } : {}),
    ...(name ? { model: { name, ...(version ? { version } : {}) } } : {}),
  };
}

/** `observed-inference baseline …`: build a drift baseline from a JSONL sample. */
export async function baselineCommand(argv: readonly string[]): Promise<void> {
  const args = parseArgs(argv);
  const samples: BaselineSample[] = [];
  const lines = createInterface({
    input: createReadStream(args.file, 'utf8'),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let n = 0;
  for await (const line of lines) {
    n++;
    if (line.trim()) samples.push(toSample(line, n));
  }
  const baseline = buildBaseline(samples, args);
  const json = `${JSON.stringify(baseline, null, 2)}\n`;
  if (args.out) {
    writeFileSync(args.out, json);
    console.error(`wrote ${args.out}: ${samples.length} samples, ${args.features.length} features`);
  } else {
    process.stdout.write(json);
  }
}
