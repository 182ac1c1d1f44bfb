/**
 * Train the fraud model and write its artifacts to `model/`:
 *   weights.json             the model (loaded by the handler)
 *   metrics.json             held-out AUC, accuracy, precision, recall
 *   baseline-sample.jsonl    held-out rows with the model's predictions, for drift baselines
 *   baseline.json            the drift baseline built from that sample
 *
 * Run: npx tsx examples/fraud-detection/train.ts
 * Deterministic: fixed seeds, full-batch training and rounded outputs give
 * byte-identical files on every run.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
// Training-time tooling, not the runtime: the same builder as `npx observed-inference baseline`.
import { buildBaseline } from '../../lib/drift/build.js';
import { generate, type LabeledTransaction } from './data.js';
import { type Evaluation, evaluate } from './evaluate.js';
import { predict, score, type TrainOptions, train, type Weights } from './model.js';

/** The recipe; tests retrain with it and compare against metrics.json. */
export const RECIPE = {
  train: { rows: 20_000, seed: 20_251_101 },
  holdout: { rows: 5_000, seed: 20_251_102 },
  options: { epochs: 500, lr: 1, l2: 1e-3 } satisfies TrainOptions,
  baselineSampleRows: 2_000,
  /** Features the drift baseline tracks, and the ones the sample keeps (it stays under 300 KB). */
  driftFeatures: ['amount', 'hour', 'merchant_category', 'country_mismatch', 'velocity_1h'],
  /** The baseline's `createdAt`, pinned so retraining is byte-identical; change it with MODEL_VERSION. */
  createdAt: '2026-11-26T00:00:00.000Z',
} as const;

const MODEL_DIR = new URL('./model/', import.meta.url);

/** Eight significant digits: exact enough to score identically, short enough to diff. */
const round = (x: number) => Number(x.toPrecision(8));

/** Weights as stored: rounded, so what is scored in metrics.json is what ships. */
function rounded(weights: Weights): Weights {
  return {
    ...weights,
    mean: weights.mean.map(round),
    std: weights.std.map(round),
    coefficients: weights.coefficients.map(round),
    intercept: round(weights.intercept),
  };
}

function evaluateOn(weights: Weights, rows: readonly LabeledTransaction[]): Evaluation {
  return evaluate(
    rows.map((r) => score(weights, r.transaction)),
    rows.map((r) => r.fraud),
    weights.threshold,
  );
}

/** The training recipe's weights and metrics, without writing anything. */
export function trainModel() {
  const trainRows = generate(RECIPE.train.rows, RECIPE.train.seed);
  const holdout = generate(RECIPE.holdout.rows, RECIPE.holdout.seed);
  const weights = rounded(train(trainRows, RECIPE.options));
  const held = evaluateOn(weights, holdout);
  const metrics = {
    model: weights.model,
    heldout: { ...roundAll(held), seed: RECIPE.holdout.seed },
    train: { ...roundAll(evaluateOn(weights, trainRows)), seed: RECIPE.train.seed },
    threshold: weights.threshold,
    training: RECIPE.options,
  };
  return { weights, metrics, holdout };
}

function roundAll(e: Evaluation): Evaluation {
  return {
    auc: round(e.auc),
    accuracy: round(e.accuracy),
    precision: round(e.precision),
    recall: round(e.recall),
    prevalence: round(e.prevalence),
    n: e.n,
  };
}

/** One line per held-out row: the tracked input features and what the model said. */
export function baselineSample(weights: Weights, rows: readonly LabeledTransaction[]) {
  return rows.slice(0, RECIPE.baselineSampleRows).map((r) => {
    const p = predict(weights, r.transaction);
    const features = Object.fromEntries(
      RECIPE.driftFeatures.map((f) => [f, r.transaction[f]] as const),
    );
    return { features, label: p.label, confidence: Number(p.confidence.toFixed(4)) };
  });
}

async function main(): Promise<void> {
  const { weights, metrics, holdout } = trainModel();
  const samples = baselineSample(weights, holdout);
  await mkdir(MODEL_DIR, { recursive: true });
  await writeFile(new URL('weights.json', MODEL_DIR), `${JSON.stringify(weights, null, 2)}\n`);
  await writeFile(new URL('metrics.json', MODEL_DIR), `${JSON.stringify(metrics, null, 2)}\n`);
  await writeFile(
    new URL('baseline-sample.jsonl', MODEL_DIR),
    samples.map((s) => `${JSON.stringify(s)}\n`).join(''),
  );
  const baseline = {
    ...buildBaseline(samples, { features: [...RECIPE.driftFeatures], model: weights.model }),
    createdAt: RECIPE.createdAt,
  };
  await writeFile(new URL('baseline.json', MODEL_DIR), `${JSON.stringify(baseline, null, 2)}\n`);
  const h = metrics.heldout;
  console.log(
    `${weights.model.name} ${weights.model.version}: held-out AUC ${h.auc.toFixed(4)}, ` +
      `accuracy ${h.accuracy.toFixed(4)}, precision ${h.precision.toFixed(4)}, ` +
      `recall ${h.recall.toFixed(4)}, prevalence ${h.prevalence.toFixed(4)} (n=${h.n})`,
  );
  console.log('wrote model/weights.json, metrics.json, baseline-sample.jsonl, baseline.json');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
