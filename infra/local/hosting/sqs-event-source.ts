/**
 * A local stand-in for Lambda's event source mapping for SQS. It long-polls the queue with the
 * real SDK client, gathers batches (BatchSize, MaximumBatchingWindowInSeconds, the 6 MB payload
 * limit), invokes the handler with real `SQSEvent`s, and then deletes what succeeded. What fails
 * is left alone, so it returns to the queue when its visibility timeout ends and the queue's
 * redrive policy applies, as on AWS.
 *
 * With `reportBatchItemFailures` (FunctionResponseTypes=ReportBatchItemFailures) the handler's
 * `SQSBatchResponse` is honoured: only the listed messages stay; a response naming a message
 * that is not in the batch fails the whole batch, as Lambda does.
 *
 * @example
 * const source = new SqsEventSource({ client, queueUrl, queueArn, handler, batchSize: 10 });
 * source.start();
 * await source.stop(); // waits for the batch in flight
 */

import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { ConfigError } from '../../errors.ts';
import { LAMBDA_SQS_ESM, SQS } from '../../limits.ts';
import { toSqsRecord } from '../services/sqs/lambda-record.ts';
import { lambdaContext } from './lambda-context.ts';

export { toSqsRecord };

/** What a handler resolves to: nothing, or a batch response. */
// biome-ignore lint/suspicious/noConfusingVoidType: a handler that returns nothing resolves to void, as with aws-lambda's own SQSHandler.
export type SqsHandlerResult = SQSBatchResponse | undefined | void;

/** An SQS-triggered handler as Lambda invokes it. */
export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SqsHandlerResult>;

/** Options of {@link SqsEventSource}. */
export interface SqsEventSourceProps {
  readonly client: SQSClient;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly handler: SqsHandler;
  /** @default 10 (Lambda's default) */
  readonly batchSize?: number;
  /** How long to gather a batch after its first message. @default 0 */
  readonly maxBatchingWindowMillis?: number;
  /** Honour `SQSBatchResponse.batchItemFailures`. @default false (Lambda's default) */
  readonly reportBatchItemFailures?: boolean;
  /** @default 'sqs-handler' */
  readonly functionName?: string;
  /** The function's timeout: a slower invocation counts as failed. @default 30_000 */
  readonly timeoutMillis?: number;
  /** Pause after a failed poll (queue gone, endpoint down) before the next. @default 1_000 */
  readonly errorBackoffMillis?: number;
  /** Told of function errors and failed polls or deletes. @default logs to stderr */
  readonly onError?: (error: unknown, where: 'function' | 'poll' | 'delete') => void;
}

/** Counters of a running mapping. */
export interface SqsEventSourceStats {
  invocations: number;
  messagesDelivered: number;
  messagesDeleted: number;
  functionErrors: number;
  /** Messages a handler reported in `batchItemFailures`. */
  itemFailures: number;
}

function validate(props: SqsEventSourceProps): void {
  const batchSize = props.batchSize ?? LAMBDA_SQS_ESM.defaultBatchSize;
  const windowMillis = props.maxBatchingWindowMillis ?? 0;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > LAMBDA_SQS_ESM.maxBatchSize) {
    throw new ConfigError(
      `batchSize must be an integer from 1 to ${LAMBDA_SQS_ESM.maxBatchSize}, got ${batchSize}`,
      { name: 'batchSize' },
    );
  }
  if (windowMillis < 0 || windowMillis > LAMBDA_SQS_ESM.maxBatchingWindowSeconds * 1000) {
    throw new ConfigError(
      `maxBatchingWindowMillis must be from 0 to ${LAMBDA_SQS_ESM.maxBatchingWindowSeconds * 1000}, got ${windowMillis}`,
      { name: 'maxBatchingWindowMillis' },
    );
  }
  if (batchSize > LAMBDA_SQS_ESM.maxBatchSizeWithoutWindow && windowMillis < 1000) {
    throw new ConfigError(
      `batchSize ${batchSize} is above ${LAMBDA_SQS_ESM.maxBatchSizeWithoutWindow}, which Lambda allows only with maxBatchingWindowMillis >= 1000; got ${windowMillis}`,
      { name: 'maxBatchingWindowMillis' },
    );
  }
  if (props.queueArn.split(':').length !== 6) {
    throw new ConfigError(
      `queueArn must look like arn:aws:sqs:REGION:ACCOUNT:NAME, got ${props.queueArn}`,
      { name: 'queueArn' },
    );
  }
}

const sleep = (millis: number) => new Promise((resolve) => setTimeout(resolve, millis));

/** A running local SQS event source mapping; call {@link start}, then {@link stop}. */
export class SqsEventSource {
  readonly #props: SqsEventSourceProps;
  readonly #batchSize: number;
  readonly #windowMillis: number;
  readonly stats: SqsEventSourceStats = {
    invocations: 0,
    messagesDelivered: 0,
    messagesDeleted: 0,
    functionErrors: 0,
    itemFailures: 0,
  };
  #running = false;
  #loop: Promise<void> | undefined;
  #poll = new AbortController();

  constructor(props: SqsEventSourceProps) {
    validate(props);
    this.#props = props;
    this.#batchSize = props.batchSize ?? LAMBDA_SQS_ESM.defaultBatchSize;
    this.#windowMillis = props.maxBatchingWindowMillis ?? 0;
  }

  /** Starts polling; a second call while running does nothing. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#poll = new AbortController();
    this.#loop = this.#run();
  }

  /**
   * Stops polling. Waits for the batch being handled (and its deletes); messages gathered but not
   * yet handed to the handler are made visible again at once.
   */
  async stop(): Promise<void> {
    this.#running = false;
    this.#poll.abort();
    await this.#loop;
    this.#loop = undefined;
  }

  #report(error: unknown, where: 'function' | 'poll' | 'delete'): void {
    if (this.#props.onError) this.#props.onError(error, where);
    else console.error(`SQS event source ${this.#props.queueArn} (${where}):`, error);
  }

  async #run(): Promise<void> {
    while (this.#running) {
      const batch = await this.#gather();
      if (batch.length === 0) continue;
      if (!this.#running) {
        await this.#settle(batch, 'release');
        return;
      }
      await this.#invoke(batch);
    }
  }

  /** Gathers up to batchSize messages, within the batching window and the payload limit. */
  async #gather(): Promise<Message[]> {
    const batch: Message[] = [];
    let bytes = 0;
    let deadline: number | undefined;
    while (this.#running && batch.length < this.#batchSize) {
      const remaining = deadline === undefined ? undefined : deadline - Date.now();
      if (remaining !== undefined && remaining <= 0) break;
      const wait =
        remaining === undefined
          ? LAMBDA_SQS_ESM.pollWaitSeconds
          : Math.min(LAMBDA_SQS_ESM.pollWaitSeconds, Math.floor(remaining / 1000));
      const messages = await this.#receive(
        Math.min(SQS.maxReceiveMessages, this.#batchSize - batch.length),
        wait,
      );
      const overflow: Message[] = [];
      for (const message of messages) {
        const size = Buffer.byteLength(JSON.stringify(message));
        if (bytes + size > LAMBDA_SQS_ESM.maxPayloadBytes && batch.length > 0)
          overflow.push(message);
        else {
          batch.push(message);
          bytes += size;
        }
      }
      if (overflow.length > 0) {
        await this.#settle(overflow, 'release');
        break;
      }
      if (batch.length > 0 && deadline === undefined) deadline = Date.now() + this.#windowMillis;
      // A window shorter than SQS's one-second wait granularity is waited out in short steps.
      if (messages.length === 0 && remaining !== undefined && wait === 0) {
        await sleep(Math.min(remaining, 50));
      }
    }
    return batch;
  }

  async #receive(max: number, waitSeconds: number): Promise<Message[]> {
    try {
      const { Messages } = await this.#props.client.send(
        new ReceiveMessageCommand({
          QueueUrl: this.#props.queueUrl,
          MaxNumberOfMessages: max,
          WaitTimeSeconds: waitSeconds,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
        { abortSignal: this.#poll.signal },
      );
      return Messages ?? [];
    } catch (error) {
      if (!this.#running) return [];
      this.#report(error, 'poll');
      await sleep(this.#props.errorBackoffMillis ?? 1_000);
      return [];
    }
  }

  async #invoke(batch: readonly Message[]): Promise<void> {
    const p = this.#props;
    const event: SQSEvent = { Records: batch.map((m) => toSqsRecord(m, p.queueArn)) };
    const [, , , region, accountId] = p.queueArn.split(':');
    const timeoutMillis = p.timeoutMillis ?? 30_000;
    const context = lambdaContext({
      functionName: p.functionName ?? 'sqs-handler',
      timeoutMillis,
      ...(region ? { region } : {}),
      ...(accountId ? { accountId } : {}),
    });
    this.stats.invocations += 1;
    this.stats.messagesDelivered += batch.length;
    let response: SQSBatchResponse | undefined;
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`Task timed out after ${timeoutMillis} ms`)),
          timeoutMillis,
        );
      });
      response = (await Promise.race([p.handler(event, context), timeout])) ?? undefined;
    } catch (error) {
      // The whole batch failed: leave every message to return after its visibility timeout.
      this.stats.functionErrors += 1;
      this.#report(error, 'function');
      return;
    } finally {
      clearTimeout(timer);
    }
    const failed = p.reportBatchItemFailures ? this.#failedIds(batch, response) : new Set<string>();
    if (failed === undefined) return;
    this.stats.itemFailures += failed.size;
    await this.#settle(
      batch.filter((m) => !failed.has(m.MessageId!)),
      'delete',
    );
  }

  /** The ids the response reports failed, or undefined when the response fails the batch. */
  #failedIds(
    batch: readonly Message[],
    response: SQSBatchResponse | undefined,
  ): Set<string> | undefined {
    const failures = response?.batchItemFailures ?? [];
    const inBatch = new Set(batch.map((m) => m.MessageId!));
    const failed = new Set<string>();
    for (const failure of failures) {
      const id = failure?.itemIdentifier;
      if (typeof id !== 'string' || !inBatch.has(id)) {
        this.stats.functionErrors += 1;
        this.#report(
          new Error(`batchItemFailures names ${JSON.stringify(id)}, which is not in the batch`),
          'function',
        );
        return undefined;
      }
      failed.add(id);
    }
    return failed;
  }

  /** Deletes handled messages; returns to visibility (release) ones gathered but not handled. */
  async #settle(messages: readonly Message[], how: 'delete' | 'release'): Promise<void> {
    const QueueUrl = this.#props.queueUrl;
    for (let i = 0; i < messages.length; i += SQS.maxBatchEntries) {
      const Entries = messages
        .slice(i, i + SQS.maxBatchEntries)
        .map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle! }));
      try {
        const result = await this.#props.client.send(
          how === 'delete'
            ? new DeleteMessageBatchCommand({ QueueUrl, Entries })
            : new ChangeMessageVisibilityBatchCommand({
                QueueUrl,
                Entries: Entries.map((e) => ({ ...e, VisibilityTimeout: 0 })),
              }),
        );
        if (how === 'delete') this.stats.messagesDeleted += result.Successful?.length ?? 0;
        for (const f of result.Failed ?? [])
          this.#report(new Error(`${f.Code}: ${f.Message}`), 'delete');
      } catch (error) {
        this.#report(error, 'delete');
      }
    }
  }
}
