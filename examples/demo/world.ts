/**
 * Everything the demo runs against, all on this machine: the built layer
 * unzipped as /opt, the example function bundled as /var/task, moto_server as
 * the local AWS (S3 for the weights, X-Ray behind the daemon stand-in) when it
 * is installed, and the X-Ray daemon stand-in that receives the segments.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { unzipLayer } from '../../local-lambda/layer.js';
import { type LocalLambda, startLocalLambda } from '../../local-lambda/localLambda.js';
import { ensureRic } from '../../local-lambda/localTools.js';
import { hasMotoServer, type Moto, motoEnv, startMoto } from '../../local-lambda/moto.js';
import { startXRayDaemon, type XRayDaemon } from '../../local-lambda/xrayDaemon.js';

/** The name the local function runs under (CloudFormation would generate one). */
export const FUNCTION_NAME = 'fraud-detection';
/** The example's ground-truth consumer. */
export const OUTCOMES_FUNCTION_NAME = 'fraud-detection-outcomes';
const EXAMPLE = fileURLToPath(new URL('../fraud-detection/', import.meta.url));
const WEIGHTS_KEY = 'fraud-detector/1.0.0/weights.json';
const BUCKET = 'demo-models';

export interface World {
  readonly optDir: string;
  readonly taskRoot: string;
  readonly handler: string;
  readonly daemon: XRayDaemon;
  readonly moto: Moto | undefined;
  /** The function's environment variables (as its CDK construct would set them). */
  readonly env: Record<string, string>;
  /** The ground-truth consumer, ready to run the same way. */
  readonly outcomes: {
    readonly taskRoot: string;
    readonly handler: string;
    readonly env: Record<string, string>;
  };
  stop(): Promise<void>;
}

async function uploadWeights(moto: Moto): Promise<void> {
  const s3 = new S3Client({
    endpoint: moto.endpoint,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  const body = readFileSync(join(EXAMPLE, 'model', 'weights.json'));
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: WEIGHTS_KEY, Body: body }));
}

/** What the deployment would run: the bundled code, its handler and environment (from the synthesized stack). */
export interface FunctionCode {
  readonly taskRoot: string;
  readonly handler: string;
  readonly env: Readonly<Record<string, string>>;
  /** The stack's ground-truth consumer. */
  readonly outcomes: Omit<FunctionCode, 'outcomes'>;
}

/** moto_server with the weights uploaded, when it is installed; `note` says which. */
async function startLocalAws(note: (line: string) => void): Promise<Moto | undefined> {
  if (!hasMotoServer()) {
    note(
      'moto_server not found: weights from the bundle, segments kept by the daemon stand-in (install it with pip install "moto[server]")',
    );
    return undefined;
  }
  const moto = await startMoto();
  try {
    await uploadWeights(moto);
  } catch (error) {
    await moto.stop();
    throw error;
  }
  note(
    `moto_server on ${moto.endpoint}: weights in s3://${BUCKET}/${WEIGHTS_KEY}, X-Ray receives the segments`,
  );
  return moto;
}

/**
 * Start the local world around `code`, with the layer that `buildLayer()`
 * wrote to dist/layer.zip as /opt; `note` receives one line per step.
 */
export async function startWorld(code: FunctionCode, note: (line: string) => void): Promise<World> {
  // Before anything starts, as nothing runs without it: installed on first use (a fresh clone has none).
  ensureRic(note);
  const optDir = unzipLayer();
  const { taskRoot } = code;
  let moto: Moto | undefined;
  let daemon: XRayDaemon;
  try {
    moto = await startLocalAws(note);
    daemon = await startXRayDaemon(moto ? { forward: { endpoint: moto.endpoint } } : {});
  } catch (error) {
    // A moto_server left running would keep the demo from exiting after it reports the failure.
    await moto?.stop();
    rmSync(optDir, { recursive: true, force: true });
    throw error;
  }
  const env: Record<string, string> = {
    ...code.env,
    ...(moto ? { ...motoEnv(moto.endpoint), MODEL_BUCKET: BUCKET, MODEL_KEY: WEIGHTS_KEY } : {}),
  };
  const outcomes = {
    taskRoot: code.outcomes.taskRoot,
    handler: code.outcomes.handler,
    env: { ...code.outcomes.env },
  };
  return {
    optDir,
    taskRoot,
    handler: code.handler,
    daemon,
    moto,
    env,
    outcomes,
    async stop() {
      await daemon.close();
      await moto?.stop();
      rmSync(optDir, { recursive: true, force: true });
    },
  };
}

/**
 * One execution environment of the fraud function, as Lambda would start it:
 * the stack's code and layer, 512 MB, the daemon of the world, and the AWS
 * SDK on the module path (as Lambda's Node runtime has it: the model's
 * weights come from S3). `env`: the world's, or a release's.
 *
 * @example
 * const fn = await startFraudFunction(world, world.env);
 */
export function startFraudFunction(
  world: World,
  env: Readonly<Record<string, string>>,
): Promise<LocalLambda> {
  return startLocalLambda({
    taskRoot: world.taskRoot,
    handler: world.handler,
    optDir: world.optDir,
    functionName: FUNCTION_NAME,
    memoryMb: 512,
    timeoutMs: 10_000,
    xrayDaemonAddress: world.daemon.address,
    env: { ...env },
    awsSdk: true,
  });
}
