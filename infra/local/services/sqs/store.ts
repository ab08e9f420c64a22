/**
 * The queues of one account and region: naming, URLs and ARNs, lookup, long-polling receive
 * and redrive between queues. Every change calls `onChange`, which the server uses to persist.
 */

import { SQS_QUEUES } from '../../../limits.ts';
import { DEFAULT_QUEUE_ATTRIBUTES } from './attributes.ts';
import { SQS_ERRORS } from './errors.ts';
import { Queue, type QueueSnapshot, type StoredMessage } from './queue.ts';

const QUEUE_NAME = /^[A-Za-z0-9_-]+$/;

/** Options of {@link SqsStore}. */
export interface SqsStoreOptions {
  /** Base of queue URLs, e.g. `http://127.0.0.1:4100` (known once the server listens). */
  readonly baseUrl: () => string;
  readonly region: string;
  readonly accountId: string;
  /** @default Date.now */
  readonly now?: () => number;
  /** Called after every change of state. @default no-op */
  readonly onChange?: () => void;
}

/** The persisted form of a store. */
export interface SqsStoreSnapshot {
  readonly version: 1;
  readonly queues: readonly QueueSnapshot[];
}

/** What a receive asks for. */
export interface ReceiveRequest {
  readonly maxMessages: number;
  readonly visibilitySeconds: number;
  readonly waitSeconds: number;
}

/** All queues of the endpoint. */
export class SqsStore {
  readonly #options: SqsStoreOptions;
  readonly #queues = new Map<string, Queue>();
  readonly #deletedAt = new Map<string, number>();
  readonly now: () => number;

  constructor(options: SqsStoreOptions) {
    this.#options = options;
    this.now = options.now ?? Date.now;
  }

  get accountId(): string {
    return this.#options.accountId;
  }

  /** The endpoint queue URLs start with. */
  get baseUrl(): string {
    return this.#options.baseUrl();
  }

  /** The URL of a queue. */
  urlOf(queue: Queue): string {
    return `${this.#options.baseUrl()}/${this.#options.accountId}/${queue.name}`;
  }

  /** Records a change (for persistence). */
  changed(): void {
    this.#options.onChange?.();
  }

  /**
   * Creates a queue, or returns the existing one when its attributes are the same (CreateQueue is
   * idempotent); different attributes are `QueueAlreadyExists`.
   */
  createQueue(
    name: string,
    attributes: Record<string, string>,
    tags: Record<string, string>,
  ): Queue {
    if (
      name.length === 0 ||
      name.length > SQS_QUEUES.maxQueueNameLength ||
      !QUEUE_NAME.test(name)
    ) {
      throw SQS_ERRORS.invalidParameterValue(
        `Value ${name} for parameter QueueName is invalid. Reason: Can only include alphanumeric characters, hyphens, or underscores. 1 to ${SQS_QUEUES.maxQueueNameLength} in length.`,
      );
    }
    const existing = this.#queues.get(name);
    if (existing !== undefined) {
      const differs = Object.entries(attributes).some(([k, v]) => existing.attributes[k] !== v);
      if (differs) throw SQS_ERRORS.queueNameExists(name);
      return existing;
    }
    const deletedAt = this.#deletedAt.get(name);
    const now = this.now();
    if (deletedAt !== undefined && now - deletedAt < SQS_QUEUES.deletedNameReuseSeconds * 1000) {
      throw SQS_ERRORS.queueDeletedRecently(name, SQS_QUEUES.deletedNameReuseSeconds);
    }
    const queue = new Queue({
      name,
      arn: this.arnOf(name),
      attributes: { ...DEFAULT_QUEUE_ATTRIBUTES, ...attributes },
      tags,
      createdAt: now,
    });
    this.#queues.set(name, queue);
    this.changed();
    return queue;
  }

  /** The ARN a queue of this name has (or would have). */
  arnOf(name: string): string {
    return `arn:aws:sqs:${this.#options.region}:${this.#options.accountId}:${name}`;
  }

  /** The queue of a name, or `QueueDoesNotExist`. */
  byName(name: string): Queue {
    const queue = this.#queues.get(name);
    if (queue === undefined) throw SQS_ERRORS.queueDoesNotExist();
    return queue;
  }

  /**
   * The queue a URL names, whatever its host (clients may say `localhost`): the path is
   * `/<account>/<name>`.
   */
  byUrl(url: string): Queue {
    let path: string;
    try {
      path = new URL(url).pathname;
    } catch {
      throw SQS_ERRORS.queueDoesNotExist();
    }
    const [account, name, ...rest] = path.split('/').filter((s) => s.length > 0);
    if (account !== this.#options.accountId || name === undefined || rest.length > 0) {
      throw SQS_ERRORS.queueDoesNotExist();
    }
    return this.byName(name);
  }

  /** The queue an ARN names, if it exists. */
  byArn(arn: string): Queue | undefined {
    const name = arn.split(':').at(-1) ?? '';
    const queue = this.#queues.get(name);
    return queue?.arn === arn ? queue : undefined;
  }

  /** Queues whose name starts with `prefix`, sorted by name. */
  list(prefix: string): Queue[] {
    return [...this.#queues.values()]
      .filter((q) => q.name.startsWith(prefix))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  /** Deletes a queue; its name can be reused after a minute. Long polls on it end. */
  deleteQueue(queue: Queue): void {
    this.#queues.delete(queue.name);
    this.#deletedAt.set(queue.name, this.now());
    queue.notify();
    this.changed();
  }

  /**
   * Receives from a queue, waiting up to `waitSeconds` for a message (long polling). Returns as
   * soon as at least one message is received, when the wait ends, or when `signal` aborts.
   */
  async receive(
    queue: Queue,
    request: ReceiveRequest,
    signal: AbortSignal,
  ): Promise<StoredMessage[]> {
    const deadline = this.now() + request.waitSeconds * 1000;
    const deadLetter = (arn: string, message: StoredMessage): boolean => {
      const target = this.byArn(arn);
      if (target === undefined || target === queue) return false;
      target.adopt(message, this.now());
      return true;
    };
    for (;;) {
      const now = this.now();
      const received = queue.receive(
        request.maxMessages,
        request.visibilitySeconds,
        now,
        deadLetter,
      );
      if (received.length > 0) this.changed();
      const gone = this.#queues.get(queue.name) !== queue;
      if (received.length > 0 || now >= deadline || signal.aborted || gone) return received;
      const next = queue.nextAvailableAt(now) ?? deadline;
      await queue.waitForChange(Math.min(next, deadline) - now, signal);
    }
  }

  /** The persisted form. */
  snapshot(): SqsStoreSnapshot {
    return { version: 1, queues: [...this.#queues.values()].map((q) => q.snapshot()) };
  }

  /** Replaces the queues with a persisted snapshot. */
  load(snapshot: SqsStoreSnapshot): void {
    this.#queues.clear();
    for (const q of snapshot.queues) {
      this.#queues.set(
        q.name,
        new Queue({
          name: q.name,
          arn: this.arnOf(q.name),
          attributes: { ...q.attributes },
          tags: { ...q.tags },
          createdAt: q.createdAt,
          lastModifiedAt: q.lastModifiedAt,
          messages: q.messages.map((m) => ({ ...m })),
        }),
      );
    }
  }
}
