/**
 * One Lambda function of the pipeline, bundled the same way for every handler: Node.js 22 on
 * Graviton (ARM64), an ES-module bundle with the AWS SDK inside, minified with source maps, and a
 * log group with a retention instead of CloudWatch's "never expire".
 */

import { join } from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { LAMBDA } from '../limits.ts';
import { BUNDLE_MAIN_FIELDS, BUNDLE_TARGET, ESM_REQUIRE_BANNER } from './bundle-options.ts';
import { type HandlerEntry, REPO_ROOT } from './handler-entries.ts';
import { checkIntInRange } from './validate.ts';

/** Props of {@link PipelineFunction}. */
export interface PipelineFunctionProps {
  /** The handler's entry file (absolute path) and export. */
  readonly entry: HandlerEntry;
  readonly description: string;
  /** Function timeout, 1 to 900 s. */
  readonly timeoutSeconds: number;
  /** Memory, 128 to 10,240 MB; CPU share scales with it. */
  readonly memoryMb: number;
  /** Environment of the handler: resource names and settings. */
  readonly environment: Readonly<Record<string, string>>;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
}

/** A pipeline handler deployed as a Lambda function. */
export class PipelineFunction extends Construct {
  /** The function; grant to it, and read its metrics. */
  readonly function: NodejsFunction;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: PipelineFunctionProps) {
    super(scope, id);
    const where = `PipelineFunction ${this.node.path}`;
    checkIntInRange(where, 'timeoutSeconds', props.timeoutSeconds, 1, LAMBDA.maxTimeoutSeconds);
    checkIntInRange(where, 'memoryMb', props.memoryMb, LAMBDA.minMemoryMb, LAMBDA.maxMemoryMb);

    // Logs are diagnostics, not data: they go with the stack, after a bounded retention.
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.function = new NodejsFunction(this, 'Function', {
      entry: props.entry.path,
      handler: props.entry.exportName,
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      timeout: Duration.seconds(props.timeoutSeconds),
      memorySize: props.memoryMb,
      logGroup: this.logGroup,
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      environment: {
        // Stack traces point at our TypeScript sources instead of the minified bundle.
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: BUNDLE_TARGET,
        mainFields: [...BUNDLE_MAIN_FIELDS],
        banner: ESM_REQUIRE_BANNER,
        minify: true,
        sourceMap: true,
        // The maps name our sources; their text would only double the asset size.
        sourcesContent: false,
        // The runtime's bundled SDK may lag the versions we test against: ship ours.
        bundleAwsSDK: true,
        externalModules: [],
        tsconfig: join(REPO_ROOT, 'tsconfig.json'),
      },
    });
  }
}
