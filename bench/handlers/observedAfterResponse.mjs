// observed-inference, library mode, writing its telemetry after the response:
// bench/handlers/observed.mjs plus writeAfterResponse() at init, which registers
// an internal extension with the Extensions API (here the runner's stand-in) so
// the records are built and written after the handler has returned.
import { observe, stage, writeAfterResponse } from 'observed-inference';
import { preprocess, STAGES, score } from './model.mjs';

await writeAfterResponse();

export const handler = observe(
  async (event) => {
    const features =
      STAGES === 2
        ? await stage('preprocess', () => preprocess(event.body))
        : preprocess(event.body);
    const prediction = await stage('predict', () => score(features));
    return { statusCode: 200, body: JSON.stringify(prediction) };
  },
  { model: { name: 'bench-model', version: '1' } },
);
