import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  PurgeQueueCommand,
  PurgeQueueInProgress,
  QueueDoesNotExist,
  QueueNameExists,
  SendMessageCommand,
  SetQueueAttributesCommand,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalSqs, startSqs, uniqueName } from '../../../../support/local-services.ts';

describe('SQS endpoint: queues (AWS SDK v3, JSON protocol)', () => {
  let sqs: LocalSqs;
  beforeAll(async () => {
    sqs = await startSqs();
  });
  afterAll(() => sqs.close());

  it('creates a queue at the URL and ARN AWS would give it', async () => {
    // arrange
    const name = uniqueName('create');
    // act
    const { QueueUrl } = await sqs.client.send(new CreateQueueCommand({ QueueName: name }));
    const { Attributes } = await sqs.client.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
    );
    // assert
    expect(QueueUrl).toBe(`${sqs.server.endpoint}/000000000000/${name}`);
    expect(Attributes).toEqual({ QueueArn: `arn:aws:sqs:us-east-1:000000000000:${name}` });
  });

  it('is idempotent for the same attributes and refuses different ones with QueueNameExists', async () => {
    const name = uniqueName('idem');
    const first = await sqs.client.send(
      new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: '5' } }),
    );
    const again = await sqs.client.send(
      new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: '5' } }),
    );
    expect(again.QueueUrl).toBe(first.QueueUrl);
    await expect(
      sqs.client.send(
        new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: '6' } }),
      ),
    ).rejects.toBeInstanceOf(QueueNameExists);
  });

  it('finds a queue by name and says QueueDoesNotExist for an unknown one', async () => {
    const name = uniqueName('url');
    const { QueueUrl } = await sqs.client.send(new CreateQueueCommand({ QueueName: name }));
    const found = await sqs.client.send(new GetQueueUrlCommand({ QueueName: name }));
    expect(found.QueueUrl).toBe(QueueUrl);
    const missing = sqs.client.send(new GetQueueUrlCommand({ QueueName: uniqueName('nope') }));
    await expect(missing).rejects.toBeInstanceOf(QueueDoesNotExist);
    await expect(missing).rejects.toMatchObject({
      name: 'QueueDoesNotExist',
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('lists queues by prefix and pages with MaxResults', async () => {
    const prefix = uniqueName('list');
    for (const suffix of ['a', 'b', 'c']) {
      await sqs.client.send(new CreateQueueCommand({ QueueName: `${prefix}-${suffix}` }));
    }
    const page1 = await sqs.client.send(
      new ListQueuesCommand({ QueueNamePrefix: prefix, MaxResults: 2 }),
    );
    const page2 = await sqs.client.send(
      new ListQueuesCommand({ QueueNamePrefix: prefix, MaxResults: 2, NextToken: page1.NextToken }),
    );
    const none = await sqs.client.send(
      new ListQueuesCommand({ QueueNamePrefix: uniqueName('none') }),
    );
    expect(page1.QueueUrls?.map((u) => u.split('/').at(-1))).toEqual([
      `${prefix}-a`,
      `${prefix}-b`,
    ]);
    expect(page2.QueueUrls?.map((u) => u.split('/').at(-1))).toEqual([`${prefix}-c`]);
    expect(page2.NextToken).toBeUndefined();
    expect(none.QueueUrls).toBeUndefined();
  });

  it('reports defaults, set attributes and approximate counts', async () => {
    // arrange
    const { QueueUrl } = await sqs.client.send(
      new CreateQueueCommand({ QueueName: uniqueName('attrs') }),
    );
    await sqs.client.send(
      new SetQueueAttributesCommand({
        QueueUrl,
        Attributes: { VisibilityTimeout: '7', ReceiveMessageWaitTimeSeconds: '1' },
      }),
    );
    await sqs.client.send(new SendMessageCommand({ QueueUrl, MessageBody: 'now' }));
    await sqs.client.send(
      new SendMessageCommand({ QueueUrl, MessageBody: 'later', DelaySeconds: 60 }),
    );
    // act
    const { Attributes } = await sqs.client.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }),
    );
    // assert
    expect(Attributes).toMatchObject({
      VisibilityTimeout: '7',
      ReceiveMessageWaitTimeSeconds: '1',
      DelaySeconds: '0',
      MaximumMessageSize: '262144',
      MessageRetentionPeriod: '345600',
      ApproximateNumberOfMessages: '1',
      ApproximateNumberOfMessagesNotVisible: '0',
      ApproximateNumberOfMessagesDelayed: '1',
    });
    expect(Number(Attributes?.CreatedTimestamp)).toBeGreaterThan(1_600_000_000);
  });

  it('refuses unknown attributes and out-of-range values with AWS codes', async () => {
    const { QueueUrl } = await sqs.client.send(
      new CreateQueueCommand({ QueueName: uniqueName('bad') }),
    );
    await expect(
      sqs.client.send(
        new SetQueueAttributesCommand({
          QueueUrl,
          Attributes: { Colour: 'red' } as Record<string, string>,
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidAttributeName' });
    await expect(
      sqs.client.send(
        new SetQueueAttributesCommand({ QueueUrl, Attributes: { VisibilityTimeout: '43201' } }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidAttributeValue' });
    await expect(
      sqs.client.send(
        new SetQueueAttributesCommand({
          QueueUrl,
          Attributes: {
            RedrivePolicy: JSON.stringify({
              deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:missing',
              maxReceiveCount: 3,
            }),
          },
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue' });
  });

  it('purges at most once a minute', async () => {
    const { QueueUrl } = await sqs.client.send(
      new CreateQueueCommand({ QueueName: uniqueName('purge') }),
    );
    await sqs.client.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x' }));
    await sqs.client.send(new PurgeQueueCommand({ QueueUrl }));
    const { Attributes } = await sqs.client.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
    );
    expect(Attributes?.ApproximateNumberOfMessages).toBe('0');
    await expect(sqs.client.send(new PurgeQueueCommand({ QueueUrl }))).rejects.toBeInstanceOf(
      PurgeQueueInProgress,
    );
  });

  it('deletes a queue, after which it does not exist and its name waits a minute', async () => {
    const name = uniqueName('delete');
    const { QueueUrl } = await sqs.client.send(new CreateQueueCommand({ QueueName: name }));
    await sqs.client.send(new DeleteQueueCommand({ QueueUrl }));
    await expect(
      sqs.client.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x' })),
    ).rejects.toBeInstanceOf(QueueDoesNotExist);
    await expect(
      sqs.client.send(new CreateQueueCommand({ QueueName: name })),
    ).rejects.toMatchObject({
      name: 'QueueDeletedRecently',
    });
  });

  it('refuses an invalid queue name', async () => {
    await expect(
      sqs.client.send(new CreateQueueCommand({ QueueName: 'has space' })),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue' });
    await expect(
      sqs.client.send(new CreateQueueCommand({ QueueName: 'x'.repeat(81) })),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue' });
  });
});
