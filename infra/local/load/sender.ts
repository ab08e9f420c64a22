/** The load generator's sender: the producer client that real producers use. */

import { Producer } from '../../../ingest/client/producer.ts';
import type { Sender } from './generator.ts';

/** A sender over a {@link Producer}; `close()` flushes what is still buffered. */
export interface ProducerSender {
  readonly send: Sender;
  readonly producer: Producer;
  close(): Promise<void>;
}

/**
 * Hands each batch of generated events to the producer, which batches by count, bytes and
 * linger time, retries 429/503, and resolves every record as accepted, rejected or failed.
 */
export function producerSender(target: {
  readonly url: string;
  readonly apiKey: string;
}): ProducerSender {
  const producer = new Producer({ endpoint: target.url, apiKey: target.apiKey });
  return {
    producer,
    send: async (events) => {
      const outcomes = await producer.sendMany(events);
      let accepted = 0;
      let rejected = 0;
      let failed = 0;
      for (const outcome of outcomes) {
        if (outcome.status === 'accepted') accepted += 1;
        else if (outcome.status === 'rejected') rejected += 1;
        else failed += 1;
      }
      return { accepted, rejected, failed };
    },
    close: () => producer.close(),
  };
}
