import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readStateFile } from '../../../../../infra/local/services/http/state-file.ts';
import { startSqs } from '../../../../support/local-services.ts';

describe('SQS endpoint: persistence under dataDir', () => {
  let dataDir = '';
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sqs-state-'));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps queues, attributes and messages (in flight ones too) across a restart', async () => {
    // arrange
    const first = await startSqs({ dataDir });
    const { QueueUrl } = await first.client.send(
      new CreateQueueCommand({ QueueName: 'kept', Attributes: { VisibilityTimeout: '1' } }),
    );
    const sent = await first.client.send(
      new SendMessageCommand({
        QueueUrl,
        MessageBody: 'survives',
        MessageAttributes: { k: { DataType: 'String', StringValue: 'v' } },
      }),
    );
    await first.client.send(new SendMessageCommand({ QueueUrl, MessageBody: 'in flight' }));
    await first.client.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 1 }));
    await first.close();
    // act
    const second = await startSqs({ dataDir });
    const { QueueUrl: again } = await second.client.send(
      new GetQueueUrlCommand({ QueueName: 'kept' }),
    );
    const { Attributes } = await second.client.send(
      new GetQueueAttributesCommand({ QueueUrl: again, AttributeNames: ['All'] }),
    );
    const bodies: string[] = [];
    for (let i = 0; i < 3 && bodies.length < 2; i++) {
      const { Messages = [] } = await second.client.send(
        new ReceiveMessageCommand({
          QueueUrl: again,
          WaitTimeSeconds: 2,
          MaxNumberOfMessages: 10,
          MessageAttributeNames: ['All'],
        }),
      );
      for (const m of Messages) {
        bodies.push(m.Body!);
        if (m.MessageId === sent.MessageId) expect(m.MessageAttributes?.k?.StringValue).toBe('v');
      }
    }
    await second.close();
    // assert
    expect(again).toBe(`${second.server.endpoint}/000000000000/kept`);
    expect(Attributes?.VisibilityTimeout).toBe('1');
    expect(bodies.sort()).toEqual(['in flight', 'survives']);
  });

  it('writes the state file shortly after a change, before close, and atomically', async () => {
    const sqs = await startSqs({ dataDir });
    await sqs.client.send(new CreateQueueCommand({ QueueName: 'soon' }));
    const path = join(dataDir, 'sqs', 'state.json');
    let saved: unknown;
    for (let i = 0; i < 100 && saved === undefined; i++) {
      await new Promise((r) => setTimeout(r, 20));
      saved = await readStateFile(path);
    }
    await sqs.close();
    expect(saved).toMatchObject({ version: 1, queues: [{ name: 'soon' }] });
    expect(await readdir(join(dataDir, 'sqs'))).toEqual(['state.json']);
  });

  it('keeps nothing without a dataDir', async () => {
    const first = await startSqs();
    await first.client.send(new CreateQueueCommand({ QueueName: 'gone' }));
    await first.close();
    const second = await startSqs();
    await expect(
      second.client.send(new GetQueueUrlCommand({ QueueName: 'gone' })),
    ).rejects.toMatchObject({
      name: 'QueueDoesNotExist',
    });
    await second.close();
  });
});
