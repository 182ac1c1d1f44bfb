/**
 * `npx cdk synth` entry of the example (see cdk.json): synthesizes offline.
 */
import { App } from 'aws-cdk-lib';
import { FraudDetectionStack } from './stack.js';

const app = new App();
new FraudDetectionStack(app, 'FraudDetection', {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
app.synth();
