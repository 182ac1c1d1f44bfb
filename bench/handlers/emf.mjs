// aws-embedded-metrics (metrics only): one EMF record per invocation, flushed by
// metricScope when the handler's promise settles.
import { metricScope, Unit } from 'aws-embedded-metrics';
import { preprocess, score } from './model.mjs';

export const handler = metricScope((metrics) => async (event, context) => {
  const started = performance.now();
  const prediction = score(preprocess(event.body));
  metrics.setNamespace('Bench');
  metrics.putDimensions({ ModelName: 'bench-model', ModelVersion: '1' });
  metrics.putMetric('InferenceLatency', performance.now() - started, Unit.Milliseconds);
  metrics.putMetric('Predictions', 1, Unit.Count);
  metrics.putMetric('Confidence', prediction.confidence, Unit.None);
  metrics.setProperty('function_request_id', context.awsRequestId);
  return { statusCode: 200, body: JSON.stringify(prediction) };
});
