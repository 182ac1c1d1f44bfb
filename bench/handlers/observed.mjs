// observed-inference, library mode: imported from the layer bundle
// (/opt/nodejs/node_modules/observed-inference), as a function with the layer would.
import { observe, stage } from 'observed-inference';
import { score } from './model.mjs';

export const handler = observe(
  async (event) => {
    const { features } = JSON.parse(event.body);
    const prediction = await stage('predict', () => score(features));
    return { statusCode: 200, body: JSON.stringify(prediction) };
  },
  { model: { name: 'bench-model', version: '1' } },
);
