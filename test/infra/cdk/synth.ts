/**
 * Synthesizes the pipeline stack for the tests: once per file (in `beforeAll`), into a temporary
 * directory removed afterwards, without CDK's CloudFormation validator (it costs seconds and is
 * `cdk synth`'s job). Bundling is skipped unless asked for: the template tests read resources,
 * and only `bundles.test.ts` needs the code.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type CfnElement, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { PipelineStack, type PipelineStackProps } from '../../../infra/cdk/pipeline-stack.ts';

/** A synthesized stack and how to clean up after it. */
export interface Synthesized {
  readonly app: App;
  readonly stack: PipelineStack;
  readonly template: Template;
  readonly outdir: string;
  /** The logical id of a construct's CloudFormation resource (its default child for an L2). */
  logicalId(construct: IConstruct): string;
  cleanup(): void;
}

/** A bare app with the same settings, for tests of single constructs. */
export function testApp(options: { readonly bundle?: boolean } = {}): { app: App; outdir: string } {
  const outdir = mkdtempSync(join(tmpdir(), 'pipeline-cdk-'));
  const app = new App({
    outdir,
    builtinCloudFormationValidation: false,
    // An empty list means "bundle no stack": assets then point at their source folder.
    ...(options.bundle ? {} : { context: { 'aws:cdk:bundling-stacks': [] } }),
  });
  return { app, outdir };
}

/** Builds and synthesizes a {@link PipelineStack}. */
export function synthPipeline(
  props: PipelineStackProps = {},
  options: { readonly bundle?: boolean } = {},
): Synthesized {
  const { app, outdir } = testApp(options);
  const stack = new PipelineStack(app, 'TestPipeline', props);
  const template = Template.fromStack(stack);
  return {
    app,
    stack,
    template,
    outdir,
    logicalId: (construct) => logicalIdOf(stack, construct),
    cleanup: () => rmSync(outdir, { recursive: true, force: true }),
  };
}

/** The logical id of `construct`'s CloudFormation resource. */
export function logicalIdOf(stack: Stack, construct: IConstruct): string {
  const element = (construct.node.defaultChild ?? construct) as CfnElement;
  return stack.getLogicalId(element);
}
