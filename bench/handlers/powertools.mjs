// Powertools for AWS Lambda (TypeScript) Logger + Metrics + Tracer, used manually as
// their docs show for handlers without Middy or decorators: the same three signals as
// observed-inference (a trace with a handler and a predict subsegment, one EMF
// record, one log line per invocation).
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { preprocess, STAGES, score } from './model.mjs';

const serviceName = 'bench';
const logger = new Logger({ serviceName });
const metrics = new Metrics({
  namespace: 'Bench',
  serviceName,
  defaultDimensions: { ModelName: 'bench-model', ModelVersion: '1' },
});
const tracer = new Tracer({ serviceName });
const handlerName = `## ${process.env._HANDLER}`;

export const handler = async (event, context) => {
  const segment = tracer.getSegment();
  const subsegment = segment?.addNewSubsegment(handlerName);
  if (subsegment) tracer.setSegment(subsegment);
  tracer.annotateColdStart();
  tracer.addServiceNameAnnotation();
  logger.addContext(context);
  metrics.captureColdStartMetric();
  const started = performance.now();
  try {
    let features;
    if (STAGES === 2) {
      const pre = subsegment?.addNewSubsegment('preprocess');
      if (pre) tracer.setSegment(pre);
      features = preprocess(event.body);
      pre?.close();
      if (subsegment) tracer.setSegment(subsegment);
    } else {
      features = preprocess(event.body);
    }
    const predict = subsegment?.addNewSubsegment('predict');
    if (predict) tracer.setSegment(predict);
    const prediction = score(features);
    predict?.close();
    if (subsegment) tracer.setSegment(subsegment);
    tracer.putAnnotation('prediction', prediction.label);
    const latencyMs = performance.now() - started;
    metrics.addMetric('InferenceLatency', MetricUnit.Milliseconds, latencyMs);
    metrics.addMetric('Predictions', MetricUnit.Count, 1);
    metrics.addMetric('Confidence', MetricUnit.NoUnit, prediction.confidence);
    metrics.addMetadata('function_request_id', context.awsRequestId);
    logger.info('inference', {
      prediction: prediction.label,
      confidence: prediction.confidence,
      latency_ms: latencyMs,
    });
    const response = { statusCode: 200, body: JSON.stringify(prediction) };
    tracer.addResponseAsMetadata(response, process.env._HANDLER);
    return response;
  } catch (error) {
    tracer.addErrorAsMetadata(error);
    throw error;
  } finally {
    subsegment?.close();
    if (segment) tracer.setSegment(segment);
    metrics.publishStoredMetrics();
  }
};
