/**
 * The example's deployment: the fraud model as an ObservedInferenceFunction
 * behind an HTTP API, with its prebuilt alarms and dashboard. `cdk synth`
 * builds it offline (esbuild bundles locally; no Docker, no AWS account).
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { LambdaDeploymentConfig } from 'aws-cdk-lib/aws-codedeploy';
import { Runtime } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { InferenceObservabilityLayer, ObservedInferenceFunction } from 'observed-inference/cdk';

const here = fileURLToPath(new URL('.', import.meta.url));
const example = join(here, '..');

/** What the stack deploys, so the demo can run the same function locally. */
export const FRAUD = {
  serviceName: 'fraud-detection',
  model: { name: 'fraud-detector', version: '1.0.0' },
  stages: ['preprocess', 'predict', 'postprocess'],
  baseline: 'model/baseline.json',
  /**
   * The confidence of a binary model's predicted label is at least 0.5, so the
   * library's default threshold would never fire: below 0.7 means p in (0.3, 0.7).
   */
  lowConfidenceThreshold: 0.7,
  /** Predictions per drift window: small enough that a few hundred requests show drift. */
  driftWindow: 200,
  /** The model's classes: a label-mix metric each, and the dashboard's label-mix graph. */
  labels: ['fraud', 'legit'],
  /**
   * Held-out accuracy is 0.958 (metrics.json), but 95.5 % of transactions are
   * legitimate: an accuracy under 0.9 means the model flags far too much.
   */
  accuracyFloor: 0.9,
} as const;

/** A model release: the version deployed and the one it replaces. */
export interface FraudRelease {
  /** The new `ModelVersion` (its weights at `fraud-detector/<version>/weights.json` in MODEL_BUCKET). */
  readonly version: string;
  /** The `ModelVersion` the `live` alias serves until the canary passes. */
  readonly previousVersion: string;
}

export interface FraudDetectionStackProps extends StackProps {
  /** The layer zip (built by `npm run build:layer`). @default dist/layer.zip of the repository */
  readonly layerZip?: string;
  /**
   * Deploy a new model version as a canary beside the previous one: 10 % of
   * the traffic for 5 minutes, rolled back by CodeDeploy when the new
   * version is slower, fails more or answers with a shifted confidence.
   * @default - the first release, FRAUD.model.version, with nothing to compare it with
   */
  readonly release?: FraudRelease;
}

export class FraudDetectionStack extends Stack {
  readonly function: ObservedInferenceFunction;
  /** The ground-truth consumer: case resolutions from SQS → `recordOutcome()`. */
  readonly outcomes: NodejsFunction;
  /** Where the fraud team's case system sends resolutions (see `outcomes.ts`). */
  readonly resolutions: Queue;

  constructor(scope: Construct, id: string, props: FraudDetectionStackProps = {}) {
    super(scope, id, props);
    const layer = new InferenceObservabilityLayer(
      this,
      'ObservedInferenceLayer',
      props.layerZip ? { zipPath: props.layerZip } : {},
    );
    const version = props.release?.version ?? FRAUD.model.version;
    this.function = new ObservedInferenceFunction(this, 'Fraud', {
      entry: join(example, 'handler.ts'),
      layer,
      model: { name: FRAUD.model.name, version },
      serviceName: FRAUD.serviceName,
      stages: [...FRAUD.stages],
      memorySize: 512,
      timeout: Duration.seconds(10),
      lowConfidenceThreshold: FRAUD.lowConfidenceThreshold,
      objective: { latencyP99: Duration.millis(250), errorRate: 0.01 },
      drift: { baseline: FRAUD.baseline, threshold: 0.25, window: FRAUD.driftWindow },
      labels: [...FRAUD.labels],
      accuracyFloor: FRAUD.accuracyFloor,
      environment: { MODEL_VERSION: version },
      // Callers reach the `live` alias; CodeDeploy moves it to each new version, canary first.
      deployment: {
        previousVersion: props.release?.previousVersion,
        deploymentConfig: LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES,
        // A p99 of a few ms moves by a quarter on noise: judge the new version by 50 ms more, a fifth of the objective.
        comparison: { latencyP99Increase: Duration.millis(50) },
      },
      bundling: {
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          // The drift baseline travels with the code: OBSERVED_BASELINE is relative to the task root.
          afterBundling: (_inputDir: string, outputDir: string) => [
            `mkdir -p ${outputDir}/model && cp ${join(example, 'model', 'baseline.json')} ${outputDir}/model/baseline.json`,
          ],
        },
      },
    });
    const api = new HttpApi(this, 'Api', { description: 'fraud-detection inference' });
    api.addRoutes({
      path: '/predict',
      methods: [HttpMethod.POST],
      integration: new HttpLambdaIntegration('Predict', this.function.alias ?? this.function),
    });
    new CfnOutput(this, 'PredictUrl', { value: `${api.apiEndpoint}/predict` });

    // Ground truth, days later: the dashboard's accuracy graph and alarm read
    // what this function records, under the same service and model dimensions.
    const deadLetters = new Queue(this, 'CaseResolutionsDlq', {
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.resolutions = new Queue(this, 'CaseResolutions', {
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(60),
      deadLetterQueue: { queue: deadLetters, maxReceiveCount: 3 },
    });
    this.outcomes = new NodejsFunction(this, 'Outcomes', {
      entry: join(example, 'outcomes.ts'),
      runtime: Runtime.NODEJS_22_X,
      memorySize: 256,
      timeout: Duration.seconds(10),
      description: 'fraud-detection ground truth: case resolutions → recordOutcome()',
      // observed-inference comes from the layer, the AWS SDK from the runtime.
      bundling: { format: OutputFormat.ESM, externalModules: ['observed-inference', '@aws-sdk/*'] },
    });
    layer.instrument(this.outcomes, { model: FRAUD.model, serviceName: FRAUD.serviceName });
    this.outcomes.addEventSource(
      new SqsEventSource(this.resolutions, { batchSize: 10, reportBatchItemFailures: true }),
    );
    new CfnOutput(this, 'CaseResolutionsQueueUrl', { value: this.resolutions.queueUrl });
  }
}
