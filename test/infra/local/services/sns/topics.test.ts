import {
  CreateTopicCommand,
  DeleteTopicCommand,
  GetSubscriptionAttributesCommand,
  GetTopicAttributesCommand,
  InvalidParameterException,
  ListSubscriptionsByTopicCommand,
  ListSubscriptionsCommand,
  ListTopicsCommand,
  NotFoundException,
  PublishCommand,
  SetSubscriptionAttributesCommand,
  SubscribeCommand,
  UnsubscribeCommand,
} from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SnsHarness, startSnsHarness, uniqueName } from './harness.ts';

describe.concurrent('SNS endpoint: topics and subscriptions (AWS SDK v3, query protocol)', () => {
  let h: SnsHarness;
  beforeAll(async () => {
    h = await startSnsHarness();
  });
  afterAll(() => h.close());

  it('creates a topic at its ARN, idempotently, and lists it', async () => {
    const name = uniqueName('topic');
    const first = await h.sns.send(new CreateTopicCommand({ Name: name }));
    const again = await h.sns.send(new CreateTopicCommand({ Name: name }));
    const { Topics } = await h.sns.send(new ListTopicsCommand({}));
    expect(first.TopicArn).toBe(`arn:aws:sns:us-east-1:000000000000:${name}`);
    expect(again.TopicArn).toBe(first.TopicArn);
    expect(Topics?.map((t) => t.TopicArn)).toContain(first.TopicArn);
  });

  it('subscribes a queue, lists and describes the subscription, and unsubscribes it', async () => {
    // arrange
    const { TopicArn } = await h.sns.send(new CreateTopicCommand({ Name: uniqueName('topic') }));
    const queue = await h.queue();
    // act
    const { SubscriptionArn } = await h.sns.send(
      new SubscribeCommand({
        TopicArn,
        Protocol: 'sqs',
        Endpoint: queue.arn,
        Attributes: { RawMessageDelivery: 'true' },
      }),
    );
    const listed = await h.sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }));
    const all = await h.sns.send(new ListSubscriptionsCommand({}));
    const { Attributes } = await h.sns.send(
      new GetSubscriptionAttributesCommand({ SubscriptionArn }),
    );
    const topic = await h.sns.send(new GetTopicAttributesCommand({ TopicArn }));
    await h.sns.send(new UnsubscribeCommand({ SubscriptionArn }));
    const after = await h.sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }));
    // assert
    expect(SubscriptionArn).toMatch(new RegExp(`^${TopicArn}:[0-9a-f-]{36}$`));
    expect(listed.Subscriptions).toEqual([
      { SubscriptionArn, Owner: '000000000000', Protocol: 'sqs', Endpoint: queue.arn, TopicArn },
    ]);
    expect(all.Subscriptions?.map((s) => s.SubscriptionArn)).toContain(SubscriptionArn);
    expect(Attributes).toMatchObject({
      RawMessageDelivery: 'true',
      PendingConfirmation: 'false',
      Endpoint: queue.arn,
    });
    expect(topic.Attributes).toMatchObject({ TopicArn, SubscriptionsConfirmed: '1' });
    expect(after.Subscriptions).toEqual([]);
  });

  it('says NotFound for an unknown topic and subscription', async () => {
    const missing = 'arn:aws:sns:us-east-1:000000000000:missing';
    await expect(
      h.sns.send(new PublishCommand({ TopicArn: missing, Message: 'x' })),
    ).rejects.toBeInstanceOf(NotFoundException);
    await expect(
      h.sns.send(
        new UnsubscribeCommand({
          SubscriptionArn: `${missing}:00000000-0000-0000-0000-000000000000`,
        }),
      ),
    ).rejects.toBeInstanceOf(NotFoundException);
  });

  it('refuses unsupported protocols, mismatched endpoints and invalid filter policies', async () => {
    const { TopicArn } = await h.sns.send(new CreateTopicCommand({ Name: uniqueName('topic') }));
    await expect(
      h.sns.send(
        new SubscribeCommand({ TopicArn, Protocol: 'lambda', Endpoint: 'arn:aws:lambda:x' }),
      ),
    ).rejects.toBeInstanceOf(InvalidParameterException);
    await expect(
      h.sns.send(
        new SubscribeCommand({ TopicArn, Protocol: 'https', Endpoint: 'http://127.0.0.1:1/' }),
      ),
    ).rejects.toBeInstanceOf(InvalidParameterException);
    const queue = await h.queue();
    await expect(
      h.sns.send(
        new SubscribeCommand({
          TopicArn,
          Protocol: 'sqs',
          Endpoint: queue.arn,
          Attributes: { FilterPolicy: '{"a": "notalist"}' },
        }),
      ),
    ).rejects.toBeInstanceOf(InvalidParameterException);
    const { SubscriptionArn } = await h.sns.send(
      new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: queue.arn }),
    );
    await expect(
      h.sns.send(
        new SetSubscriptionAttributesCommand({
          SubscriptionArn,
          AttributeName: 'FilterPolicy',
          AttributeValue: JSON.stringify({ a: [1], b: [1], c: [1], d: [1], e: [1], f: [1] }),
        }),
      ),
    ).rejects.toBeInstanceOf(InvalidParameterException);
  });

  it('deletes a topic', async () => {
    const { TopicArn } = await h.sns.send(new CreateTopicCommand({ Name: uniqueName('topic') }));
    await h.sns.send(new DeleteTopicCommand({ TopicArn }));
    await expect(h.sns.send(new GetTopicAttributesCommand({ TopicArn }))).rejects.toBeInstanceOf(
      NotFoundException,
    );
  });
});
