/**
 * The example's deployment: the triage function as an ObservedInferenceFunction
 * marked as calling its two Bedrock models (`modelCalls`), behind a function
 * URL that streams its answer. `cdk synth` builds it offline (esbuild bundles
 * locally; no Docker, no AWS account).
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { FunctionUrlAuthType, InvokeMode, Runtime } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { InferenceObservabilityLayer, ObservedInferenceFunction } from 'observed-inference/cdk';
import { CLASSIFIER_MODEL_ID, TRIAGE_MODEL, WRITER_MODEL_ID } from '../triage.js';

const example = join(fileURLToPath(new URL('.', import.meta.url)), '..');

/** What the stack deploys, so the demo can run the same function locally. */
export const TRIAGE = {
  serviceName: 'ticket-triage',
  model: TRIAGE_MODEL,
  stages: ['preprocess', 'classify', 'answer'],
  bedrockModelIds: [CLASSIFIER_MODEL_ID, WRITER_MODEL_ID],
} as const;

export interface TicketTriageStackProps extends StackProps {
  /** The layer zip (built by `npm run build:layer`). @default dist/layer.zip of the repository */
  readonly layerZip?: string;
}

export class TicketTriageStack extends Stack {
  readonly function: ObservedInferenceFunction;

  constructor(scope: Construct, id: string, props: TicketTriageStackProps = {}) {
    super(scope, id, props);
    const layer = new InferenceObservabilityLayer(
      this,
      'ObservedInferenceLayer',
      props.layerZip ? { zipPath: props.layerZip } : {},
    );
    this.function = new ObservedInferenceFunction(this, 'Triage', {
      entry: join(example, 'handler.ts'),
      layer,
      model: TRIAGE.model,
      serviceName: TRIAGE.serviceName,
      runtime: Runtime.NODEJS_22_X,
      stages: [...TRIAGE.stages],
      memorySize: 256,
      timeout: Duration.seconds(30),
      // Whole answers: classification, then a streamed reply of up to 300 tokens.
      objective: { latencyP99: Duration.seconds(10), errorRate: 0.01 },
      responseStreaming: true,
      modelCalls: { bedrockModelIds: [...TRIAGE.bedrockModelIds] },
      timeToFirstTokenP99: Duration.seconds(2),
    });
    const url = this.function.addFunctionUrl({
      authType: FunctionUrlAuthType.AWS_IAM,
      invokeMode: InvokeMode.RESPONSE_STREAM,
    });
    new CfnOutput(this, 'TriageUrl', { value: url.url });
  }
}
