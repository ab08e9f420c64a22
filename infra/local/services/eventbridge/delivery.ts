/**
 * Delivers a matched event to a rule's targets the way EventBridge does: asynchronously after
 * PutEvents has answered, through the targets' own APIs (SQS SendMessage, SNS Publish, a Lambda
 * invoke), with retries and an optional SQS dead-letter queue.
 */

import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetQueueUrlCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { EventBridgeEvent } from 'aws-lambda';
import { TargetDeliveryError } from './errors.ts';
import type { RuleRecord, TargetRecord } from './state.ts';

/** A Lambda-style target: invoked with the event, like an asynchronous Lambda invoke. */
export type LambdaTarget = (event: EventBridgeEvent<string, unknown>) => Promise<unknown>;

/** Options of {@link TargetDelivery}. */
export interface DeliveryOptions {
  readonly region: string;
  readonly sqsEndpoint?: string;
  readonly snsEndpoint?: string;
  readonly lambdaTargets?: ReadonlyMap<string, LambdaTarget>;
  /** Attempts per target before the event goes to the dead-letter queue. @default 3 */
  readonly maxAttempts?: number;
  /** Wait before the second attempt, doubled each time. @default 100 */
  readonly retryBaseMillis?: number;
  /** Called when a target fails every attempt (after the DLQ, if any). @default logs to stderr */
  readonly onDeliveryError?: (error: TargetDeliveryError) => void;
}

/**
 * Which service a target ARN points at, among those the local stack delivers to. Any Lambda ARN
 * is accepted (as AWS accepts it) even when no handler is registered yet: delivery then fails
 * and is reported, as an invoke of a missing function would.
 */
export function targetKind(
  arn: string,
  lambdaTargets?: ReadonlyMap<string, LambdaTarget>,
): 'sqs' | 'sns' | 'lambda' | undefined {
  if (lambdaTargets?.has(arn)) return 'lambda';
  const service = arn.split(':')[2];
  return service === 'sqs' || service === 'sns' || service === 'lambda' ? service : undefined;
}

/** Sends events to targets and remembers in-flight deliveries so `close()` can wait for them. */
export class TargetDelivery {
  readonly #options: DeliveryOptions;
  readonly #inFlight = new Set<Promise<void>>();
  readonly #queueUrls = new Map<string, Promise<string>>();
  #sqs: SQSClient | undefined;
  #sns: SNSClient | undefined;

  constructor(options: DeliveryOptions) {
    this.#options = options;
  }

  /** Starts delivering `event` to every target of `rule`; does not wait. */
  dispatch(rule: RuleRecord, event: EventBridgeEvent<string, unknown>): void {
    for (const target of rule.targets.values()) {
      const work = this.#deliverWithRetries(rule, target, event).finally(() =>
        this.#inFlight.delete(work),
      );
      this.#inFlight.add(work);
    }
  }

  /** Waits for every delivery under way, then releases the SDK clients. */
  async close(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
    this.#sqs?.destroy();
    this.#sns?.destroy();
  }

  async #deliverWithRetries(
    rule: RuleRecord,
    target: TargetRecord,
    event: EventBridgeEvent<string, unknown>,
  ): Promise<void> {
    const maxAttempts = this.#options.maxAttempts ?? 3;
    const base = this.#options.retryBaseMillis ?? 100;
    let lastError: unknown;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      try {
        await this.#deliver(target.Arn, payload(target, event), target);
        return;
      } catch (error) {
        lastError = error;
        if (attempt < maxAttempts) await sleep(base * 2 ** (attempt - 1));
      }
    }
    const failure = new TargetDeliveryError(
      { ruleArn: rule.arn, targetArn: target.Arn, eventId: event.id, attempts: maxAttempts },
      lastError,
    );
    const dlq = target.DeadLetterConfig?.Arn;
    if (dlq !== undefined) {
      // The DLQ message is the event itself, as EventBridge sends it.
      await this.#sendToQueue(dlq, JSON.stringify(event), undefined).catch(() => undefined);
    }
    (this.#options.onDeliveryError ?? ((e) => console.error(e.message)))(failure);
  }

  async #deliver(arn: string, body: unknown, target: TargetRecord): Promise<void> {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    switch (targetKind(arn, this.#options.lambdaTargets)) {
      case 'lambda': {
        const handler = this.#options.lambdaTargets?.get(arn);
        if (handler === undefined) throw new Error(`no local handler is registered for ${arn}`);
        // A Lambda receives the payload as JSON, so a constant Input arrives parsed.
        const value = typeof body === 'string' ? JSON.parse(body) : body;
        await handler(value as EventBridgeEvent<string, unknown>);
        return;
      }
      case 'sqs':
        await this.#sendToQueue(arn, text, target.SqsParameters?.MessageGroupId);
        return;
      case 'sns':
        await this.#snsClient().send(new PublishCommand({ TopicArn: arn, Message: text }));
        return;
      default:
        throw new Error(`target ${arn} is of a kind the local stack does not deliver to`);
    }
  }

  async #sendToQueue(arn: string, body: string, messageGroupId: string | undefined): Promise<void> {
    const client = this.#sqsClient();
    const queueUrl = await this.#queueUrl(client, arn);
    await client.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: body,
        ...(messageGroupId === undefined ? {} : { MessageGroupId: messageGroupId }),
      }),
    );
  }

  /** `arn:aws:sqs:<region>:<account>:<name>` → the queue's URL, asked of the SQS endpoint once. */
  #queueUrl(client: SQSClient, arn: string): Promise<string> {
    let url = this.#queueUrls.get(arn);
    if (url === undefined) {
      const [, , , , account, name] = arn.split(':');
      url = client
        .send(new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: account }))
        .then((out) => out.QueueUrl ?? Promise.reject(new Error(`no QueueUrl for ${arn}`)));
      url.catch(() => this.#queueUrls.delete(arn));
      this.#queueUrls.set(arn, url);
    }
    return url;
  }

  #sqsClient(): SQSClient {
    this.#sqs ??= new SQSClient(
      clientConfig(this.#options.region, this.#options.sqsEndpoint, 'SQS'),
    );
    return this.#sqs;
  }

  #snsClient(): SNSClient {
    this.#sns ??= new SNSClient(
      clientConfig(this.#options.region, this.#options.snsEndpoint, 'SNS'),
    );
    return this.#sns;
  }
}

/** What a target receives: the event, a constant `Input`, or the part named by `InputPath`. */
export function payload(target: TargetRecord, event: EventBridgeEvent<string, unknown>): unknown {
  if (target.Input !== undefined) return target.Input;
  if (target.InputPath !== undefined) return selectPath(event, target.InputPath);
  return event;
}

/** A JSONPath of plain field steps (`$`, `$.detail`, `$.detail.state`). */
function selectPath(value: unknown, path: string): unknown {
  const steps = path
    .replace(/^\$\.?/, '')
    .split('.')
    .filter((s) => s !== '');
  let current = value;
  for (const step of steps) {
    current =
      current !== null && typeof current === 'object'
        ? (current as Record<string, unknown>)[step]
        : undefined;
  }
  return current ?? null;
}

function clientConfig(region: string, endpoint: string | undefined, service: string) {
  if (endpoint === undefined) {
    throw new Error(
      `a ${service} target needs the local ${service} endpoint: pass ${service.toLowerCase()}Endpoint`,
    );
  }
  return {
    region,
    endpoint,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    requestHandler: new NodeHttpHandler(),
  };
}

function sleep(millis: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, millis));
}
