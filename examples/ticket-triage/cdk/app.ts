/**
 * `npx cdk synth` entry of the example (see cdk.json): synthesizes offline.
 */
import { App } from 'aws-cdk-lib';
import { TicketTriageStack } from './stack.js';

const app = new App();
new TicketTriageStack(app, 'TicketTriage', {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
app.synth();
