// The bare handler: no telemetry. Also the unmodified handler of the zero-code
// contenders (observed-inference zero-code, OpenTelemetry, ADOT).
import { score } from './model.mjs';

export const handler = async (event) => {
  const { features } = JSON.parse(event.body);
  const prediction = score(features);
  return { statusCode: 200, body: JSON.stringify(prediction) };
};
