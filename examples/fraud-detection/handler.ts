/**
 * The fraud-detection Lambda function behind API Gateway (REST or HTTP API),
 * observed in library mode.
 *
 * POST a transaction, or `{ "transactions": [ ... ] }` (1 to 100 of them):
 *   200 { label, confidence, model_version }
 *   200 { predictions: [{ label, confidence }, ...], model_version }
 *   400 { message }   malformed JSON or an invalid field, named in the message
 *                     (and counted by rejectInput(): InvalidInputs, `invalid_input` in the log)
 *
 * Weights: `model/weights.json`, bundled with the code, unless MODEL_BUCKET
 * (and optionally MODEL_KEY) names an S3 object. MODEL_VERSION says which
 * version the function expects; a load of another version fails loudly.
 */
import type {
  APIGatewayProxyEvent,
  APIGatewayProxyEventV2,
  APIGatewayProxyResult,
} from 'aws-lambda';
import { loadModel, observe, rejectInput, stage } from 'observed-inference';
import type { Transaction } from './data.js';
import {
  decide,
  featurize,
  MODEL_NAME,
  MODEL_VERSION,
  parseWeights,
  scoreFeatures,
  standardize,
  type Weights,
} from './model.js';
import { validate } from './validate.js';

/** Most transactions one request may carry. */
export const MAX_BATCH = 100;

export type ProxyEvent = APIGatewayProxyEvent | APIGatewayProxyEventV2;

/** Where the weights come from, resolved once at init from the environment. */
interface ModelSource {
  readonly name: string;
  readonly version: string;
  readonly s3?: { readonly bucket: string; readonly key: string };
}

function resolveSource(env: NodeJS.ProcessEnv): ModelSource {
  const version = env.MODEL_VERSION || MODEL_VERSION;
  const bucket = env.MODEL_BUCKET;
  if (!bucket) return { name: MODEL_NAME, version };
  const key = env.MODEL_KEY || `${MODEL_NAME}/${version}/weights.json`;
  return { name: MODEL_NAME, version, s3: { bucket, key } };
}

const SOURCE = resolveSource(process.env);
const MODEL = { name: SOURCE.name, version: SOURCE.version } as const;

/**
 * The bundled weights. A JSON import (not a file read next to
 * `import.meta.url`) so that esbuild inlines the file into the bundle and
 * tsx, vitest and plain Node read it from the source tree: no copy step, and
 * no path that differs between a bundle in /var/task and the repository.
 */
async function bundledWeights(): Promise<unknown> {
  const json = await import('./model/weights.json', { with: { type: 'json' } });
  return json.default;
}

/**
 * Weights from S3 with the AWS SDK v3 that the Lambda Node.js runtime
 * provides (imported on demand: functions using the bundled file never load
 * it). A custom endpoint (AWS_ENDPOINT_URL[_S3], e.g. a local moto) is
 * addressed path-style, as local S3 emulators expect.
 */
async function s3Weights(bucket: string, key: string): Promise<unknown> {
  const { GetObjectCommand, S3Client } = await import('@aws-sdk/client-s3');
  const endpoint = process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL;
  const client = new S3Client({ forcePathStyle: endpoint !== undefined });
  const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const text = await out.Body?.transformToString('utf8');
  if (!text) throw new Error(`s3://${bucket}/${key} is empty`);
  return JSON.parse(text) as unknown;
}

async function loadWeights(): Promise<Weights> {
  const doc = SOURCE.s3 ? await s3Weights(SOURCE.s3.bucket, SOURCE.s3.key) : await bundledWeights();
  const weights = parseWeights(doc);
  if (weights.model.version !== MODEL.version) {
    const where = SOURCE.s3 ? `s3://${SOURCE.s3.bucket}/${SOURCE.s3.key}` : 'model/weights.json';
    throw new Error(
      `${where} holds ${MODEL_NAME} ${weights.model.version}, the function expects ${MODEL.version} (MODEL_VERSION)`,
    );
  }
  return weights;
}

/** Memoised by loadModel: the init call loads (timed into `cold start`), later calls reuse it. */
const model = () => loadModel(MODEL, loadWeights);
// Start loading during init. A failure is not fatal here: the first invocation
// awaits model() again, which retries and fails that invocation visibly.
model().catch(() => undefined);

type Request =
  | { readonly ok: true; readonly batch: boolean; readonly transactions: readonly Transaction[] }
  | { readonly ok: false; readonly field: string; readonly message: string };

function bodyText(event: ProxyEvent): string | undefined {
  if (event.body === undefined || event.body === null || event.body === '') return undefined;
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

/** Problems with the body as a whole are reported on this field. */
const BODY = 'body';

function parseBody(event: ProxyEvent): { doc: unknown } | { message: string } {
  const text = bodyText(event);
  if (text === undefined)
    return { message: 'request body is required: a transaction or { "transactions": [...] }' };
  try {
    return { doc: JSON.parse(text) as unknown };
  } catch (error) {
    return { message: `request body is not valid JSON: ${(error as Error).message}` };
  }
}

const isBatch = (doc: unknown): doc is { transactions: unknown } =>
  typeof doc === 'object' && doc !== null && !Array.isArray(doc) && 'transactions' in doc;

function parseRequest(event: ProxyEvent): Request {
  const body = parseBody(event);
  if ('message' in body) return { ok: false, field: BODY, message: body.message };
  if (Array.isArray(body.doc))
    return {
      ok: false,
      field: BODY,
      message: 'send a batch as { "transactions": [...] }, not a bare array',
    };
  if (!isBatch(body.doc)) {
    const one = validate(body.doc);
    return one.ok ? { ok: true, batch: false, transactions: [one.transaction] } : one;
  }
  const items = body.doc.transactions;
  if (!Array.isArray(items) || items.length === 0 || items.length > MAX_BATCH) {
    const got = Array.isArray(items) ? `${items.length} items` : typeof items;
    return {
      ok: false,
      field: 'transactions',
      message: `transactions must be an array of 1 to ${MAX_BATCH} transactions, got ${got}`,
    };
  }
  const transactions: Transaction[] = [];
  for (const [i, item] of items.entries()) {
    const checked = validate(item, `transactions[${i}]`);
    if (!checked.ok) return checked;
    transactions.push(checked.transaction);
  }
  return { ok: true, batch: true, transactions };
}

/** The model input observe() hashes: the transactions themselves (for a batch, the array). */
function inputOf(event: ProxyEvent): unknown {
  const body = parseBody(event);
  if ('message' in body) return bodyText(event) ?? null;
  return isBatch(body.doc) ? body.doc.transactions : body.doc;
}

/**
 * Transactions scored per response, for observe()'s `BatchSize`/`Predictions`:
 * a rejected request scored none (the default would count it as one).
 */
const scored = new WeakMap<APIGatewayProxyResult, number>();

function respond(statusCode: number, body: unknown, count = 0): APIGatewayProxyResult {
  const result = {
    statusCode,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  };
  scored.set(result, count);
  return result;
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

async function infer(event: ProxyEvent): Promise<APIGatewayProxyResult> {
  const weights = await model();
  const request = await stage('preprocess', () => {
    const parsed = parseRequest(event);
    if (!parsed.ok) return parsed;
    const features = parsed.transactions.map((tx) => standardize(weights, featurize(tx)));
    return { ...parsed, features };
  });
  // Bad input is the client's error: a 400 that observe() records as such (InvalidInputs, the
  // field in the log line and the span), never a throw.
  if (!request.ok) {
    rejectInput({ field: request.field, reason: request.message });
    return respond(400, { message: request.message });
  }
  const probabilities = await stage('predict', () =>
    request.features.map((x) => scoreFeatures(weights, x)),
  );
  return stage('postprocess', () => {
    const predictions = probabilities.map((p) => {
      const { label, confidence } = decide(p, weights.threshold);
      return { label, confidence: round6(confidence) };
    });
    const model_version = weights.model.version;
    return respond(
      200,
      request.batch ? { predictions, model_version } : { ...predictions[0], model_version },
      predictions.length,
    );
  });
}

/**
 * The Lambda handler (`handler.handler`): API Gateway REST or HTTP API proxy
 * events in, proxy results out.
 *
 * @example
 * await handler({ body: JSON.stringify(tx), requestContext: {...}, ... }, context);
 * // { statusCode: 200, body: '{"label":"legit","confidence":0.98,"model_version":"1.0.0"}' }
 */
export const handler = observe(infer, {
  model: MODEL,
  input: inputOf,
  batchSize: (_event, result) => (result ? (scored.get(result) ?? 0) : 0),
  // A keep-warm ping carries no transaction: answer it without a 400 (the model loaded at init).
  warmup: { respond: () => respond(200, { warm: true }) },
});
