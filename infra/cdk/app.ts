/**
 * The CDK app (`cdk.json`: `npx tsx infra/cdk/app.ts`). Context values, all optional:
 * `stackName` (default `TelemetryPipeline`), `resourceNamePrefix`, `alertEmail`.
 *
 * @example
 * ```sh
 * npx cdk deploy -c alertEmail=oncall@example.com --parameters IngestApiKeys=$(openssl rand -hex 24)
 * ```
 */

import { App } from 'aws-cdk-lib';
import { PipelineStack } from './pipeline-stack.ts';

const app = new App();
const context = (key: string): string | undefined => {
  const value: unknown = app.node.tryGetContext(key);
  return typeof value === 'string' && value !== '' ? value : undefined;
};
const alertEmail = context('alertEmail');
const resourceNamePrefix = context('resourceNamePrefix');

new PipelineStack(app, context('stackName') ?? 'TelemetryPipeline', {
  description:
    'Telemetry pipeline: API Gateway, Kinesis, Lambda, DynamoDB, Firehose, EventBridge, SNS, SQS',
  // The account and Region of the CLI's credentials (`cdk deploy --profile ...`).
  env: {
    ...(process.env.CDK_DEFAULT_ACCOUNT ? { account: process.env.CDK_DEFAULT_ACCOUNT } : {}),
    ...(process.env.CDK_DEFAULT_REGION ? { region: process.env.CDK_DEFAULT_REGION } : {}),
  },
  ...(alertEmail !== undefined ? { alertEmail } : {}),
  ...(resourceNamePrefix !== undefined ? { resourceNamePrefix } : {}),
});
app.synth();
