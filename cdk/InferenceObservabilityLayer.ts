import { Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { type InstrumentationMode, instrumentationEnvironment, parseS3Uri } from './environment.js';
import { InvalidPropError } from './errors.js';
import { checkRuntime, resolveMode, SUPPORTED_RUNTIMES } from './functionSettings.js';
import { checkLayerZip, defaultLayerZipPath, packageVersion } from './layerAsset.js';
import { grantModelCalls, type ModelCalls } from './modelCalls.js';
import { acknowledge, NAG_REASON } from './nag.js';
import { checkTarget, DEFAULTS, type InferenceModel, type InferenceTarget } from './target.js';
import type { TraceExport } from './traceExport.js';
import { type ResolvedTraceExport, resolveTraceExport } from './traceExportSettings.js';
import { checkDriftWindow, checkLabels, checkUnitInterval } from './validate.js';

/**
 * Props of {@link InferenceObservabilityLayer}.
 *
 * @example
 * const props: InferenceObservabilityLayerProps = { zipPath: 'build/layer.zip' };
 */
export interface InferenceObservabilityLayerProps {
  /**
   * The layer zip built by `npm run build:layer`.
   * @default - `dist/layer.zip` of the observed-inference package
   */
  readonly zipPath?: string;
  /**
   * @default - a name CloudFormation generates
   */
  readonly layerVersionName?: string;
  /**
   * What happens to a layer version the stack no longer uses; RETAIN keeps
   * functions that pinned it (elsewhere) working.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * How {@link InferenceObservabilityLayer.instrument} configures a function.
 *
 * @example
 * const options: InstrumentOptions = { mode: 'zero-code', model: { name: 'fraud', version: '1' } };
 */
export interface InstrumentOptions {
  /**
   * `library`: the code calls `observe()` (and imports `observed-inference`,
   * resolved from the layer: keep it external in the bundle). `zero-code`: the
   * layer's exec wrapper wraps the unchanged handler.
   * @default 'library'
   */
  readonly mode?: InstrumentationMode;
  /** The model the function serves (`OBSERVED_MODEL_NAME`, `OBSERVED_MODEL_VERSION`). */
  readonly model: InferenceModel;
  /**
   * `POWERTOOLS_SERVICE_NAME`, the `service` dimension.
   * @default - the model name
   */
  readonly serviceName?: string;
  /**
   * `POWERTOOLS_METRICS_NAMESPACE`.
   * @default 'ObservedInference'
   */
  readonly namespace?: string;
  /**
   * `OBSERVED_LOW_CONFIDENCE`, in [0, 1].
   * @default 0.5
   */
  readonly lowConfidenceThreshold?: number;
  /**
   * `OBSERVED_BASELINE`: the drift baseline (an `s3://` URI is granted `s3:GetObject`).
   * @default - no drift scores
   */
  readonly baseline?: string;
  /**
   * `OBSERVED_DRIFT_WINDOW`: predictions per drift window, 10 to 1,000,000.
   * @default - the runtime's default
   */
  readonly driftWindow?: number;
  /**
   * `OBSERVED_LABELS`: the model's labels, each with a label-mix metric of its
   * own (`PredictedLabel.<label>`); others count as `PredictedLabel.other`.
   * No commas (the variable is comma-separated).
   * @default - the baseline's labels, else the first 10 each environment sees
   */
  readonly labels?: readonly string[];
  /**
   * Where traces go: X-Ray segments over UDP (today's), OTLP over UDP to
   * Lambda's X-Ray endpoint, OTLP/HTTP to X-Ray's OTLP endpoint or to a
   * collector, or off. Sets `OBSERVED_TRACES` and the OTLP variables, active
   * tracing, the X-Ray permissions and a collector extension layer accordingly.
   * @default { kind: 'xray-segments' }
   */
  readonly traces?: TraceExport;
  /**
   * The function calls models through `observeModelCalls()`: the role may
   * invoke the Bedrock models and SageMaker endpoints named, and the target
   * returned carries them to the dashboard and alarms.
   * @default - no model calls, no permission
   */
  readonly modelCalls?: ModelCalls;
}

const instrumented = new WeakSet<lambda.Function>();

/**
 * The observed-inference Lambda layer (`dist/layer.zip`: the runtime bundle
 * under `nodejs/node_modules/observed-inference` and the zero-code exec
 * wrapper), for `nodejs22.x` and `nodejs24.x` on x86_64 and arm64. Usable on
 * its own: `instrument()` adds it to a function defined elsewhere.
 *
 * @example
 * const layer = new InferenceObservabilityLayer(this, 'Layer');
 * const target = layer.instrument(myFunction, { mode: 'zero-code', model: { name: 'fraud', version: '1' } });
 * new InferenceAlarms(this, 'Alarms', { models: [target] });
 */
export class InferenceObservabilityLayer extends lambda.LayerVersion {
  /**
   * The stack's shared layer, created on first use.
   *
   * @example
   * const layer = InferenceObservabilityLayer.forStack(this);
   */
  static forStack(scope: Construct): InferenceObservabilityLayer {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(SHARED_ID);
    if (existing instanceof InferenceObservabilityLayer) return existing;
    return new InferenceObservabilityLayer(stack, SHARED_ID);
  }

  constructor(scope: Construct, id: string, props: InferenceObservabilityLayerProps = {}) {
    const zip = checkLayerZip('zipPath', props.zipPath ?? defaultLayerZipPath());
    super(scope, id, {
      code: lambda.Code.fromAsset(zip),
      compatibleRuntimes: [...SUPPORTED_RUNTIMES],
      compatibleArchitectures: [lambda.Architecture.X86_64, lambda.Architecture.ARM_64],
      description: `observed-inference ${packageVersion()}: X-Ray traces, EMF metrics and JSON logs for ML inference`,
      license: 'Apache-2.0',
      layerVersionName: props.layerVersionName,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
  }

  /**
   * Instrument a function: add the layer, the environment (model, service,
   * namespace, low-confidence threshold, baseline; the exec wrapper in
   * zero-code mode), active X-Ray tracing (on the L1 resource: an L2
   * function's tracing is fixed at creation) and the X-Ray write permissions.
   * Returns the target to give `InferenceAlarms` and `InferenceDashboard`.
   *
   * @example
   * const target = layer.instrument(fn, { model: { name: 'fraud', version: '1' }, serviceName: 'fraud-api' });
   */
  instrument(fn: lambda.Function, options: InstrumentOptions): InferenceTarget {
    const mode = resolveMode(options.mode);
    checkRuntime('runtime', fn.runtime);
    if (instrumented.has(fn))
      throw new InvalidPropError('fn', `${fn.node.path} is already instrumented`);
    const lowConfidence = options.lowConfidenceThreshold ?? DEFAULTS.lowConfidence;
    checkUnitInterval('lowConfidenceThreshold', lowConfidence);
    const target: InferenceTarget = {
      model: options.model,
      serviceName: options.serviceName ?? options.model?.name,
      namespace: options.namespace,
      function: fn,
      ...(options.modelCalls === undefined ? {} : { modelCalls: options.modelCalls }),
    };
    checkTarget('', target);
    if (options.driftWindow !== undefined) checkDriftWindow('driftWindow', options.driftWindow);
    checkLabels('labels', options.labels);
    const traces = resolveTraceExport('traces', options.traces, {
      scope: fn,
      timeout: fn.timeout ?? LAMBDA_DEFAULT_TIMEOUT,
    });
    instrumented.add(fn);
    fn.addLayers(this);
    if (traces.extension !== undefined) fn.addLayers(extensionLayer(fn, traces.extension));
    const env = instrumentationEnvironment({
      ...target,
      mode,
      lowConfidence,
      baseline: options.baseline,
      driftWindow: options.driftWindow,
      labels: options.labels,
    });
    for (const [key, value] of Object.entries({ ...env, ...traces.environment }))
      fn.addEnvironment(key, value);
    if (traces.activeTracing)
      (fn.node.defaultChild as lambda.CfnFunction).tracingConfig = { mode: lambda.Tracing.ACTIVE };
    grantTelemetry(fn, traces, options.baseline);
    grantModelCalls(fn, options.modelCalls);
    return target;
  }
}

const SHARED_ID = 'ObservedInferenceLayer';

/** Lambda's timeout when a function sets none. */
const LAMBDA_DEFAULT_TIMEOUT = Duration.seconds(3);

/** The collector extension: a layer, or one imported from its ARN. */
function extensionLayer(fn: lambda.Function, extension: lambda.ILayerVersion | string) {
  if (typeof extension !== 'string') return extension;
  return lambda.LayerVersion.fromLayerVersionArn(fn, 'OtlpCollectorExtension', extension);
}

/**
 * The X-Ray writes the trace export needs, and the baseline read when it is
 * on S3, in a policy of their own (the X-Ray wildcard acknowledged for cdk-nag).
 */
function grantTelemetry(
  fn: lambda.Function,
  traces: ResolvedTraceExport,
  baseline: string | undefined,
): void {
  if (!fn.role) return;
  const statements: iam.PolicyStatement[] = [];
  if (traces.xrayActions.length > 0)
    statements.push(
      new iam.PolicyStatement({ actions: [...traces.xrayActions], resources: ['*'] }),
    );
  const s3 =
    baseline !== undefined && !Token.isUnresolved(baseline) ? parseS3Uri(baseline) : undefined;
  if (s3)
    statements.push(
      new iam.PolicyStatement({
        actions: ['s3:GetObject'],
        resources: [
          Stack.of(fn).formatArn({
            service: 's3',
            region: '',
            account: '',
            resource: s3.bucket,
            resourceName: s3.key,
          }),
        ],
      }),
    );
  if (statements.length === 0) return;
  const policy = new iam.Policy(fn, 'ObservedInferenceTelemetry', { statements, roles: [fn.role] });
  if (traces.xrayActions.length > 0)
    acknowledge(policy, ['AwsSolutions-IAM5[Resource::*]'], NAG_REASON.xrayWildcard);
}
