/**
 * The SQS query protocol (older SDKs and CLIs), driven by the AWS SDK v3 SQS client itself with
 * its query serializer swapped in: the client's model keeps the query traits, so requests and
 * response parsing are AWS's own, not hand-written.
 */

import {
  ChangeMessageVisibilityBatchCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteQueueCommand,
  errorTypeRegistries,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  ListQueueTagsCommand,
  PurgeQueueCommand,
  QueueDoesNotExist,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  type SQSClient,
  TooManyEntriesInBatchRequest,
} from '@aws-sdk/client-sqs';
import { AwsQueryProtocol } from '@aws-sdk/core/protocols';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { md5OfMessageAttributes } from '../../../../../infra/local/services/sqs/md5.ts';
import { SQS_XMLNS } from '../../../../../infra/local/services/sqs/query-adapter.ts';
import {
  type LocalSqs,
  sqsClientFor,
  startSqs,
  uniqueName,
} from '../../../../support/local-services.ts';

describe('SQS endpoint: query protocol (AWS SDK v3 client with its query serializer)', () => {
  let sqs: LocalSqs;
  let client: SQSClient;
  const contentTypes = new Set<string>();
  beforeAll(async () => {
    sqs = await startSqs();
    client = sqsClientFor(sqs.server.endpoint, {
      protocol: AwsQueryProtocol,
      protocolSettings: {
        defaultNamespace: 'com.amazonaws.sqs',
        xmlNamespace: SQS_XMLNS,
        version: '2012-11-05',
        errorTypeRegistries,
      },
    } as never);
    client.middlewareStack.add(
      (next) => async (args) => {
        const headers = (args.request as { headers: Record<string, string> }).headers;
        contentTypes.add(headers['content-type'] ?? '');
        return next(args);
      },
      { step: 'finalizeRequest' },
    );
  });
  afterAll(async () => {
    // Every request the client made was a form post, none AWS JSON.
    expect([...contentTypes]).toEqual(['application/x-www-form-urlencoded']);
    client.destroy();
    await sqs.close();
  });

  it('speaks the query protocol on the wire', async () => {
    const response = await fetch(sqs.server.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=ListQueues&Version=2012-11-05',
    });
    expect(response.headers.get('content-type')).toBe('text/xml');
    expect(await response.text()).toMatch(
      /^<\?xml version="1.0"\?><ListQueuesResponse xmlns="http:\/\/queue.amazonaws.com\/doc\/2012-11-05\/"><ListQueuesResult>/,
    );
  });

  it('creates, finds, lists, describes and deletes queues', async () => {
    const name = uniqueName('query');
    const { QueueUrl } = await client.send(
      new CreateQueueCommand({
        QueueName: name,
        Attributes: { VisibilityTimeout: '9' },
        tags: { team: 'ops' },
      }),
    );
    const found = await client.send(new GetQueueUrlCommand({ QueueName: name }));
    const listed = await client.send(new ListQueuesCommand({ QueueNamePrefix: name }));
    await client.send(
      new SetQueueAttributesCommand({ QueueUrl, Attributes: { DelaySeconds: '0' } }),
    );
    const { Attributes } = await client.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }),
    );
    const tags = await client.send(new ListQueueTagsCommand({ QueueUrl }));
    await client.send(new PurgeQueueCommand({ QueueUrl }));
    await client.send(new DeleteQueueCommand({ QueueUrl }));
    expect(found.QueueUrl).toBe(QueueUrl);
    expect(listed.QueueUrls).toEqual([QueueUrl]);
    expect(Attributes).toMatchObject({
      VisibilityTimeout: '9',
      QueueArn: `arn:aws:sqs:us-east-1:000000000000:${name}`,
    });
    expect(tags.Tags).toEqual({ team: 'ops' });
    await expect(client.send(new GetQueueUrlCommand({ QueueName: name }))).rejects.toBeInstanceOf(
      QueueDoesNotExist,
    );
  });

  it('sends, receives and deletes messages with attributes and MD5s', async () => {
    // arrange
    const { QueueUrl } = await client.send(
      new CreateQueueCommand({ QueueName: uniqueName('query') }),
    );
    const MessageAttributes = {
      kind: { DataType: 'String', StringValue: 'a&b <c>' },
      raw: { DataType: 'Binary', BinaryValue: new Uint8Array([9, 8, 7]) },
    };
    // act
    const sent = await client.send(
      new SendMessageCommand({ QueueUrl, MessageBody: 'line\r\nnext & <more>', MessageAttributes }),
    );
    const batch = await client.send(
      new SendMessageBatchCommand({
        QueueUrl,
        Entries: [
          {
            Id: 'one',
            MessageBody: 'b1',
            MessageAttributes: { n: { DataType: 'Number', StringValue: '1' } },
          },
          { Id: 'two', MessageBody: 'b2' },
        ],
      }),
    );
    const { Messages = [] } = await client.send(
      new ReceiveMessageCommand({
        QueueUrl,
        MaxNumberOfMessages: 10,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
      }),
    );
    const deleted = await client.send(
      new DeleteMessageBatchCommand({
        QueueUrl,
        Entries: Messages.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })),
      }),
    );
    // assert
    expect(sent.MD5OfMessageAttributes).toBe(
      md5OfMessageAttributes({
        kind: { DataType: 'String', StringValue: 'a&b <c>' },
        raw: { DataType: 'Binary', BinaryValue: Buffer.from([9, 8, 7]).toString('base64') },
      }),
    );
    expect(batch.Successful?.map((e) => e.Id).sort()).toEqual(['one', 'two']);
    const first = Messages.find((m) => m.MessageId === sent.MessageId);
    expect(first?.Body).toBe('line\r\nnext & <more>');
    expect(first?.MessageAttributes?.kind?.StringValue).toBe('a&b <c>');
    expect(first?.MessageAttributes?.raw?.BinaryValue).toEqual(new Uint8Array([9, 8, 7]));
    expect(first?.Attributes?.ApproximateReceiveCount).toBe('1');
    expect(Messages).toHaveLength(3);
    expect(deleted.Successful).toHaveLength(3);
  });

  it('reports batch failures and whole-request errors with AWS codes', async () => {
    const { QueueUrl } = await client.send(
      new CreateQueueCommand({ QueueName: uniqueName('query') }),
    );
    const failed = await client.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl,
        Entries: [{ Id: 'bad', ReceiptHandle: 'nonsense', VisibilityTimeout: 5 }],
      }),
    );
    expect(failed.Failed).toEqual([
      expect.objectContaining({ Id: 'bad', Code: 'ReceiptHandleIsInvalid', SenderFault: true }),
    ]);
    await expect(
      client.send(
        new SendMessageBatchCommand({
          QueueUrl,
          Entries: Array.from({ length: 11 }, (_, i) => ({ Id: `e${i}`, MessageBody: 'x' })),
        }),
      ),
    ).rejects.toBeInstanceOf(TooManyEntriesInBatchRequest);
  });

  it('accepts the queue named by the request path, as older clients send it', async () => {
    const { QueueUrl } = await client.send(
      new CreateQueueCommand({ QueueName: uniqueName('query') }),
    );
    const response = await fetch(QueueUrl!, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=SendMessage&Version=2012-11-05&MessageBody=by+path',
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<MD5OfMessageBody>');
    const { Messages } = await client.send(new ReceiveMessageCommand({ QueueUrl }));
    expect(Messages?.[0]?.Body).toBe('by path');
  });
});
