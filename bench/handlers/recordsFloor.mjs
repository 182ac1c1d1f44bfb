// The records floor: the I/O floor (floor.mjs) plus the least computation that
// puts the same facts into the same three records ours writes, so the
// benchmark shows what any complete telemetry must spend per invocation, not
// only what its I/O costs. Per invocation it reads what the records carry
// (wall and monotonic time, each stage's duration, the CPU time and peak
// memory by getrusage, the input's SHA-256, the trace header, new span ids)
// and fills fixed templates of our EMF record, our log line and our segment
// document (the same fields, names and sizes, captured from the library's
// output) with them: no objects, no JSON.stringify, no spans, no context, no
// error handling, no options. Then the floor's I/O: the EMF record and the
// log line in one stdout write and, when the trace header says Sampled=1, the
// segment document as one datagram to the daemon, its send awaited.
//
// It is a yardstick, not telemetry: it knows its one model and its one event
// shape, and hashes the raw body with node:crypto (whose load it pays at init,
// outside what it is here to measure).
import { createHash, randomFillSync } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { preprocess, STAGES, score } from './model.mjs';

const env = process.env;
const FUNCTION = env.AWS_LAMBDA_FUNCTION_NAME ?? 'fn';
const VERSION = env.AWS_LAMBDA_FUNCTION_VERSION ?? '$LATEST';
const REGION = env.AWS_REGION ?? 'us-east-1';
const MEMORY_MB = Number(env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? '1024');
/** Lambda's x86 price per ms at this memory, and per request. */
const PER_MS = ((MEMORY_MB / 1024) * 0.0000166667) / 1000;
const PER_REQUEST = 0.0000002;
const HEADER = '{"format": "json", "version": 1}\n';

const [host, port] = (env.AWS_XRAY_DAEMON_ADDRESS ?? '127.0.0.1:2000').split(':');
const socket = createSocket('udp4');
socket.unref();
await new Promise((resolve) => socket.connect(Number(port), host, resolve));

/** The datagram is written into one buffer: its send is awaited, so it is never in flight twice. */
const datagram = Buffer.allocUnsafe(16384);

/** Random span ids: 8 bytes each, from a pool refilled 512 ids at a time. */
const pool = Buffer.alloc(4096);
let poolAt = pool.length;
function spanId() {
  if (poolAt === pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  poolAt += 8;
  return pool.toString('hex', poolAt - 8, poolAt);
}

/** The EMF directive for this stage count and label, built once. */
function directive(label) {
  const stageMetrics =
    STAGES === 2 ? ['PreprocessDuration', 'PredictDuration'] : ['PredictDuration'];
  const metrics = [
    ...stageMetrics.map((name) => [name, 'Milliseconds']),
    ['ColdStart', 'Count'],
    ['InferenceLatency', 'Milliseconds'],
    ['Errors', 'Count'],
    ['BatchSize', 'Count'],
    ['Predictions', 'Count'],
    ['Confidence', 'None'],
    ['LowConfidence', 'Count'],
    [`PredictedLabel.${label}`, 'Count'],
    ['CpuTime', 'Milliseconds'],
    ['MaxMemoryUsed', 'Megabytes'],
    ['ComputeCost', 'None'],
  ];
  return `,"CloudWatchMetrics":[{"Namespace":"ObservedInference","Dimensions":[["service","ModelName","ModelVersion"]],"Metrics":[${metrics.map(([n, u]) => `{"Name":"${n}","Unit":"${u}"}`).join(',')}]}]}`;
}
const DIRECTIVE = { fraud: directive('fraud'), legit: directive('legit') };

/** ms with at most 3 decimals, as our records carry them. */
const ms = (x) => Math.round(x * 1000) / 1000;

export const handler = async (event, context) => {
  const wallStart = Date.now();
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const trace = env._X_AMZN_TRACE_ID ?? '';
  const sampled = trace.includes('Sampled=1');

  let features;
  let preprocessMs = 0;
  if (STAGES === 2) {
    const at = performance.now();
    features = preprocess(event.body);
    preprocessMs = performance.now() - at;
  } else features = preprocess(event.body);
  const predictAt = performance.now();
  const prediction = score(features);
  const end = performance.now();
  const predictMs = end - predictAt;
  const result = { statusCode: 200, body: JSON.stringify(prediction) };

  const usage = process.resourceUsage();
  const latency = ms(end - start);
  const cpu = ms(
    (usage.userCPUTime + usage.systemCPUTime - cpuStart.user - cpuStart.system) / 1000,
  );
  const memory = Math.round(usage.maxRSS / 1024);
  const cost = Math.round((Math.ceil(latency) * PER_MS + PER_REQUEST) * 1e12) / 1e12;
  const inputHash = createHash('sha256').update(event.body).digest('hex');
  const requestId = context.awsRequestId;
  // API Gateway's request id, which ours records as the correlation id.
  const correlationId = event.requestContext.requestId;
  const rootAt = trace.indexOf('Root=') + 5;
  const traceId = trace.slice(rootAt, rootAt + 35);
  const { label, confidence } = prediction;
  const low = confidence < 0.6;
  const stagesJson =
    STAGES === 2
      ? `{"preprocess":${ms(preprocessMs)},"predict":${ms(predictMs)}}`
      : `{"predict":${ms(predictMs)}}`;
  const stageValues =
    STAGES === 2
      ? `"PreprocessDuration":${ms(preprocessMs)},"PredictDuration":${ms(predictMs)}`
      : `"PredictDuration":${ms(predictMs)}`;

  const emf = `{"_aws":{"Timestamp":${wallStart}${DIRECTIVE[label]},"function_request_id":"${requestId}","xray_trace_id":"${traceId}","service":"${FUNCTION}","ModelName":"bench-model","ModelVersion":"1",${stageValues},"ColdStart":0,"InferenceLatency":${latency},"Errors":0,"BatchSize":1,"Predictions":1,"Confidence":${confidence},"LowConfidence":${low ? 1 : 0},"PredictedLabel.${label}":1,"CpuTime":${cpu},"MaxMemoryUsed":${memory},"ComputeCost":${cost}}`;
  const log = `{"level":"INFO","message":"inference","timestamp":"${new Date(wallStart).toISOString()}","service":"${FUNCTION}","cold_start":false,"function_arn":"${context.invokedFunctionArn}","function_memory_size":${MEMORY_MB},"function_name":"${FUNCTION}","function_request_id":"${requestId}","sampling_rate":0,"xray_trace_id":"${traceId}","model_name":"bench-model","model_version":"1","latency_ms":${latency},"stages":${stagesJson},"batch_size":1,"prediction":"${label}","confidence":${confidence},"input_hash":"${inputHash}","prediction_id":"${requestId}","correlation_id":"${correlationId}","warmup":false,"cpu_ms":${cpu},"max_memory_used_mb":${memory},"compute_cost":${cost}}\n`;
  process.stdout.write(`${emf}\n${log}`);

  if (sampled) {
    const parentAt = trace.indexOf('Parent=') + 7;
    const s0 = wallStart / 1000;
    const t = (x) => s0 + (x - start) / 1000;
    const subsegments =
      STAGES === 2
        ? `{"id":"${spanId()}","name":"preprocess","start_time":${t(predictAt - preprocessMs)},"end_time":${t(predictAt)}},{"id":"${spanId()}","name":"predict","start_time":${t(predictAt)},"end_time":${t(end)}}`
        : `{"id":"${spanId()}","name":"predict","start_time":${t(predictAt)},"end_time":${t(end)}}`;
    const segment = `${HEADER}{"id":"${spanId()}","name":"inference bench-model","start_time":${s0},"end_time":${t(end)},"annotations":{"model_name":"bench-model","model_version":"1","cold_start":false,"prediction":"${label}","low_confidence":${low}},"metadata":{"observed_inference":{"faas.name":"${FUNCTION}","faas.version":"${VERSION}","cloud.region":"${REGION}","faas.max_memory":${MEMORY_MB * 1048576},"faas.invocation_id":"${requestId}","inference.input_hash":"${inputHash}","inference.prediction_id":"${requestId}","inference.correlation_id":"${correlationId}","inference.batch_size":1,"inference.confidence":${confidence}}},"subsegments":[${subsegments}],"type":"subsegment","parent_id":"${trace.slice(parentAt, parentAt + 16)}","trace_id":"${traceId}"}`;
    const length = datagram.write(segment);
    await new Promise((resolve) => socket.send(datagram, 0, length, resolve));
  }
  return result;
};
