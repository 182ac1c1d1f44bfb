// The bare handler: no telemetry. Also the unmodified handler of the zero-code
// contenders (observed-inference zero-code, OpenTelemetry, ADOT).
import { preprocess, score } from './model.mjs';

export const handler = async (event) => {
  const prediction = score(preprocess(event.body));
  return { statusCode: 200, body: JSON.stringify(prediction) };
};
