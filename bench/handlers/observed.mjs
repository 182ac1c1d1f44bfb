// observed-inference, library mode: imported from the layer bundle
// (/opt/nodejs/node_modules/observed-inference), as a function with the layer would.
import { observe, stage } from 'observed-inference';
import { preprocess, STAGES, score } from './model.mjs';

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
