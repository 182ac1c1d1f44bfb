/**
 * Everything the demo runs against, all on this machine: the built layer
 * unzipped as /opt, the example function bundled as /var/task, moto_server as
 * the local AWS (S3 for the weights, X-Ray behind the daemon stand-in) when it
 * is installed, and the X-Ray daemon stand-in that receives the segments.
 */
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { buildLayer } from '../../layer/build.js';
import { lambdaNodePath, ricEntry } from '../../test/support/lambdaBootstrap.js';
import { unzipLayer } from '../../test/support/layer.js';
import { hasMotoServer, type Moto, motoEnv, startMoto } from '../../test/support/moto.js';
import { repoRoot } from '../../test/support/paths.js';
import { startXRayDaemon, type XRayDaemon } from '../../test/support/xrayDaemon.js';

/** The name the local function runs under (CloudFormation would generate one). */
export const FUNCTION_NAME = 'fraud-detection';
/** The example's ground-truth consumer. */
export const OUTCOMES_FUNCTION_NAME = 'fraud-detection-outcomes';
const EXAMPLE = join(repoRoot, 'examples', 'fraud-detection');
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
  readonly layer: { zipBytes: number; unzippedBytes: number };
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

/** Build the layer, then start the local world around `code`; `note` receives one line per step. */
export async function startWorld(code: FunctionCode, note: (line: string) => void): Promise<World> {
  const layer = await buildLayer();
  note(
    `layer built: dist/layer.zip ${(layer.zipBytes / 1024).toFixed(1)} KB zipped, ${(layer.unzippedBytes / 1024).toFixed(1)} KB unzipped`,
  );
  const optDir = unzipLayer();
  const { taskRoot } = code;
  let moto: Moto | undefined;
  if (hasMotoServer()) {
    moto = await startMoto();
    await uploadWeights(moto);
    note(
      `moto_server on ${moto.endpoint}: weights in s3://${BUCKET}/${WEIGHTS_KEY}, X-Ray receives the segments`,
    );
  } else {
    note(
      'moto_server not found: weights from the bundle, segments kept by the daemon stand-in (install it with pip install "moto[server]")',
    );
  }
  const daemon = await startXRayDaemon(moto ? { forward: { endpoint: moto.endpoint } } : {});
  const runtimeDir = dirname(ricEntry());
  // The AWS SDK v3 that Lambda's Node runtime provides in /var/runtime/node_modules: here, the repository's copy.
  const nodePath = (root: string) =>
    `${lambdaNodePath(root, runtimeDir, optDir)}:${join(repoRoot, 'node_modules')}`;
  const env: Record<string, string> = {
    ...code.env,
    NODE_PATH: nodePath(taskRoot),
    ...(moto ? { ...motoEnv(moto.endpoint), MODEL_BUCKET: BUCKET, MODEL_KEY: WEIGHTS_KEY } : {}),
  };
  const outcomes = {
    taskRoot: code.outcomes.taskRoot,
    handler: code.outcomes.handler,
    env: { ...code.outcomes.env, NODE_PATH: nodePath(code.outcomes.taskRoot) },
  };
  return {
    optDir,
    taskRoot,
    handler: code.handler,
    daemon,
    moto,
    env,
    outcomes,
    layer,
    async stop() {
      await daemon.close();
      await moto?.stop();
      rmSync(optDir, { recursive: true, force: true });
    },
  };
}
