// observed-inference, library mode, with the team's Powertools Logger and Metrics
// passed to observe(): our log line goes through their Logger and our metrics into
// their Metrics (one EMF flush). The layer as /opt, the Powertools packages beside it.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { observe, stage } from 'observed-inference';
import { preprocess, STAGES, score } from './model.mjs';

const logger = new Logger({ serviceName: 'bench' });
const metrics = new Metrics({ namespace: 'Bench', serviceName: 'bench' });

export const handler = observe(
  async (event) => {
    const features =
      STAGES === 2
        ? await stage('preprocess', () => preprocess(event.body))
        : preprocess(event.body);
    const prediction = await stage('predict', () => score(features));
    return { statusCode: 200, body: JSON.stringify(prediction) };
  },
  { model: { name: 'bench-model', version: '1' }, powertools: { logger, metrics } },
);
