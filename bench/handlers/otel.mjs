// Upstream OpenTelemetry (traces only). The layer's wrapper (preloaded by its exec
// wrapper) wraps this handler through instrumentation-aws-lambda; the handler adds
// the predict span with the OpenTelemetry API from the layer, as a user would.
import { trace } from '@opentelemetry/api';
import { score } from './model.mjs';

const tracer = trace.getTracer('bench');

export const handler = async (event) => {
  const { features } = JSON.parse(event.body);
  const prediction = tracer.startActiveSpan('predict', (span) => {
    try {
      const p = score(features);
      span.setAttribute('prediction', p.label);
      span.setAttribute('confidence', p.confidence);
      return p;
    } finally {
      span.end();
    }
  });
  return { statusCode: 200, body: JSON.stringify(prediction) };
};
