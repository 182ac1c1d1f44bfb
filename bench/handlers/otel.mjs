// Upstream OpenTelemetry (traces only). The layer's wrapper (preloaded by its exec
// wrapper) wraps this handler through instrumentation-aws-lambda; the handler adds
// the predict span with the OpenTelemetry API from the layer, as a user would.
import { trace } from '@opentelemetry/api';
import { preprocess, STAGES, score } from './model.mjs';

const tracer = trace.getTracer('bench');

/** Run `fn` in a span named `name`, as a user of the OpenTelemetry API would. */
function inSpan(name, fn) {
  return tracer.startActiveSpan(name, (span) => {
    try {
      return fn(span);
    } finally {
      span.end();
    }
  });
}

export const handler = async (event) => {
  const features =
    STAGES === 2 ? inSpan('preprocess', () => preprocess(event.body)) : preprocess(event.body);
  const prediction = inSpan('predict', (span) => {
    const p = score(features);
    span.setAttribute('prediction', p.label);
    span.setAttribute('confidence', p.confidence);
    return p;
  });
  return { statusCode: 200, body: JSON.stringify(prediction) };
};
