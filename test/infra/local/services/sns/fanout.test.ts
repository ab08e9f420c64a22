import {
  CreateTopicCommand,
  PublishBatchCommand,
  PublishCommand,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SnsHarness, startSnsHarness, uniqueName } from './harness.ts';

describe.concurrent('SNS endpoint: fan-out to SQS', () => {
  let h: SnsHarness;
  beforeAll(async () => {
    h = await startSnsHarness();
  });
  afterAll(() => h.close());

  async function topicWith(
    subscriptions: Array<Record<string, string>>,
  ): Promise<{ TopicArn: string; queues: Array<{ url: string; arn: string }> }> {
    const { TopicArn } = await h.sns.send(new CreateTopicCommand({ Name: uniqueName('fan') }));
    const queues = [];
    for (const Attributes of subscriptions) {
      const queue = await h.queue();
      await h.sns.send(
        new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: queue.arn, Attributes }),
      );
      queues.push(queue);
    }
    return { TopicArn: TopicArn!, queues };
  }

  it('delivers the SNS notification envelope to every subscribed queue', async () => {
    // arrange
    const { TopicArn, queues } = await topicWith([{}, {}]);
    // act
    const { MessageId } = await h.sns.send(
      new PublishCommand({
        TopicArn,
        Message: 'anomaly!',
        Subject: 'Alert',
        MessageAttributes: { severity: { DataType: 'String', StringValue: 'high' } },
      }),
    );
    // assert
    for (const queue of queues) {
      const [message] = await h.receive(queue.url);
      const envelope = JSON.parse(message!.Body!) as Record<string, unknown>;
      expect(envelope).toMatchObject({
        Type: 'Notification',
        MessageId,
        TopicArn,
        Subject: 'Alert',
        Message: 'anomaly!',
        SignatureVersion: '1',
        MessageAttributes: { severity: { Type: 'String', Value: 'high' } },
      });
      expect(Object.keys(envelope).slice(0, 5)).toEqual([
        'Type',
        'MessageId',
        'TopicArn',
        'Subject',
        'Message',
      ]);
      expect(new Date(envelope.Timestamp as string).getTime()).toBeGreaterThan(0);
      expect(envelope.UnsubscribeURL).toContain('Action=Unsubscribe');
      expect(message?.MessageAttributes).toBeUndefined();
    }
  });

  it('delivers the raw message with its attributes as SQS message attributes when RawMessageDelivery is on', async () => {
    const { TopicArn, queues } = await topicWith([{ RawMessageDelivery: 'true' }]);
    await h.sns.send(
      new PublishCommand({
        TopicArn,
        Message: '{"raw":true}',
        MessageAttributes: {
          severity: { DataType: 'String', StringValue: 'low' },
          score: { DataType: 'Number', StringValue: '7.5' },
        },
      }),
    );
    const [message] = await h.receive(queues[0]!.url);
    expect(message?.Body).toBe('{"raw":true}');
    expect(message?.MessageAttributes).toEqual({
      severity: { DataType: 'String', StringValue: 'low' },
      score: { DataType: 'Number', StringValue: '7.5' },
    });
  });

  it('applies filter policies on message attributes per subscription', async () => {
    // arrange: one queue wants high severity, one wants scores >= 5, one takes all
    const { TopicArn, queues } = await topicWith([
      {
        FilterPolicy: JSON.stringify({ severity: ['high', 'critical'] }),
        RawMessageDelivery: 'true',
      },
      {
        FilterPolicy: JSON.stringify({ score: [{ numeric: ['>=', 5] }] }),
        RawMessageDelivery: 'true',
      },
      { RawMessageDelivery: 'true' },
    ]);
    const publish = (Message: string, severity: string, score: string) =>
      h.sns.send(
        new PublishCommand({
          TopicArn,
          Message,
          MessageAttributes: {
            severity: { DataType: 'String', StringValue: severity },
            score: { DataType: 'Number', StringValue: score },
          },
        }),
      );
    // act
    await publish('a', 'high', '1');
    await publish('b', 'low', '9');
    await publish('c', 'low', '1');
    // assert: once the catch-all queue has all three, the filtered ones have had their chance
    expect(await h.collect(queues[2]!.url, 3)).toEqual(['a', 'b', 'c']);
    await new Promise((r) => setTimeout(r, 200));
    expect(await h.collect(queues[0]!.url, 2, 1_000)).toEqual(['a']);
    expect(await h.collect(queues[1]!.url, 2, 1_000)).toEqual(['b']);
  });

  it('applies a MessageBody-scoped filter policy to the JSON body', async () => {
    const { TopicArn, queues } = await topicWith([
      {
        FilterPolicyScope: 'MessageBody',
        FilterPolicy: JSON.stringify({ anomaly: { kind: [{ prefix: 'spike' }] } }),
        RawMessageDelivery: 'true',
      },
    ]);
    await h.sns.send(
      new PublishCommand({ TopicArn, Message: JSON.stringify({ anomaly: { kind: 'drop' } }) }),
    );
    await h.sns.send(
      new PublishCommand({ TopicArn, Message: JSON.stringify({ anomaly: { kind: 'spike-up' } }) }),
    );
    await h.sns.send(new PublishCommand({ TopicArn, Message: 'not json' }));
    const received = await h.collect(queues[0]!.url, 2, 1_500);
    expect(received.map((body) => JSON.parse(body).anomaly.kind)).toEqual(['spike-up']);
  });

  it('fans out every entry of a PublishBatch', async () => {
    const { TopicArn, queues } = await topicWith([{ RawMessageDelivery: 'true' }]);
    const result = await h.sns.send(
      new PublishBatchCommand({
        TopicArn,
        PublishBatchRequestEntries: Array.from({ length: 10 }, (_, i) => ({
          Id: `e${i}`,
          Message: `m${i}`,
        })),
      }),
    );
    expect(result.Successful).toHaveLength(10);
    expect(result.Failed ?? []).toEqual([]);
    const bodies = await h.collect(queues[0]!.url, 10);
    expect(bodies).toEqual(Array.from({ length: 10 }, (_, i) => `m${i}`).sort());
  });

  it('sends each protocol its own message with MessageStructure json', async () => {
    const { TopicArn, queues } = await topicWith([{}]);
    await h.sns.send(
      new PublishCommand({
        TopicArn,
        MessageStructure: 'json',
        Message: JSON.stringify({ default: 'for everyone', sqs: 'for queues' }),
      }),
    );
    const [message] = await h.receive(queues[0]!.url);
    expect(JSON.parse(message!.Body!).Message).toBe('for queues');
  });
});
