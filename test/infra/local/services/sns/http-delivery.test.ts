import type { IncomingHttpHeaders } from 'node:http';
import {
  CreateTopicCommand,
  ListSubscriptionsByTopicCommand,
  PublishCommand,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBody } from '../../../../../infra/local/services/http/body.ts';
import {
  type LoopbackServer,
  startLoopbackServer,
} from '../../../../../infra/local/services/http/server.ts';
import { eventually } from '../../../../support/local-services.ts';
import { type SnsHarness, startSnsHarness, uniqueName } from './harness.ts';

interface Received {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

describe('SNS endpoint: HTTP subscriptions', () => {
  let h: SnsHarness;
  let receiver: LoopbackServer;
  const received: Received[] = [];
  /** How many more requests to /flaky answer 500 before answering 200. */
  let failuresLeft = 0;
  const deliveryErrors: unknown[] = [];

  beforeAll(async () => {
    h = await startSnsHarness({ onDeliveryError: (e) => deliveryErrors.push(e) });
    receiver = await startLoopbackServer({
      handler: async (req, res) => {
        const body = (await readBody(req, 1_000_000)).toString('utf8');
        received.push({ path: req.url ?? '', headers: req.headers, body });
        const message =
          req.headers['x-amz-sns-message-type'] === 'SubscriptionConfirmation'
            ? JSON.parse(body)
            : undefined;
        if (message !== undefined && req.url !== '/silent') {
          // A real endpoint confirms by visiting SubscribeURL.
          await fetch(message.SubscribeURL as string);
        }
        const fail = req.url === '/flaky' && message === undefined && failuresLeft-- > 0;
        res.statusCode = fail ? 500 : 200;
        res.end();
      },
    });
  });
  afterAll(async () => {
    await h.close();
    await receiver.close();
  });

  it('asks for confirmation, then delivers notifications with SNS headers once confirmed', async () => {
    // arrange
    const { TopicArn } = await h.sns.send(new CreateTopicCommand({ Name: uniqueName('http') }));
    const endpoint = `${receiver.endpoint}/alerts`;
    const subscribed = await h.sns.send(
      new SubscribeCommand({ TopicArn, Protocol: 'http', Endpoint: endpoint }),
    );
    await eventually(() => received.some((r) => r.path === '/alerts'));
    const confirmation = received.find((r) => r.path === '/alerts')!;
    // wait for the confirmation to be processed
    let listed = await h.sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }));
    for (
      let i = 0;
      i < 50 && listed.Subscriptions?.[0]?.SubscriptionArn === 'PendingConfirmation';
      i++
    ) {
      await new Promise((r) => setTimeout(r, 20));
      listed = await h.sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }));
    }
    // act
    const { MessageId } = await h.sns.send(
      new PublishCommand({ TopicArn, Message: 'to http', Subject: 'S' }),
    );
    await eventually(() => received.some((r) => r.headers['x-amz-sns-message-id'] === MessageId));
    // assert
    expect(subscribed.SubscriptionArn).toBe('pending confirmation');
    expect(confirmation.headers['x-amz-sns-message-type']).toBe('SubscriptionConfirmation');
    expect(JSON.parse(confirmation.body)).toMatchObject({
      Type: 'SubscriptionConfirmation',
      TopicArn,
    });
    const notification = received.find((r) => r.headers['x-amz-sns-message-id'] === MessageId)!;
    expect(notification.headers).toMatchObject({
      'x-amz-sns-message-type': 'Notification',
      'x-amz-sns-topic-arn': TopicArn,
      'x-amz-sns-subscription-arn': listed.Subscriptions![0]!.SubscriptionArn,
      'content-type': 'text/plain; charset=UTF-8',
    });
    expect(JSON.parse(notification.body)).toMatchObject({
      Type: 'Notification',
      Message: 'to http',
      Subject: 'S',
    });
  });

  it('does not deliver to a subscription that was never confirmed', async () => {
    const { TopicArn } = await h.sns.send(new CreateTopicCommand({ Name: uniqueName('http') }));
    await h.sns.send(
      new SubscribeCommand({ TopicArn, Protocol: 'http', Endpoint: `${receiver.endpoint}/silent` }),
    );
    await eventually(() => received.some((r) => r.path === '/silent'));
    const { MessageId } = await h.sns.send(new PublishCommand({ TopicArn, Message: 'unseen' }));
    await new Promise((r) => setTimeout(r, 300));
    expect(
      received.filter((r) => r.path === '/silent').map((r) => r.headers['x-amz-sns-message-type']),
    ).toEqual(['SubscriptionConfirmation']);
    expect(received.some((r) => r.headers['x-amz-sns-message-id'] === MessageId)).toBe(false);
    const listed = await h.sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }));
    expect(listed.Subscriptions?.[0]?.SubscriptionArn).toBe('PendingConfirmation');
  });

  it('retries a failing endpoint per its delivery policy, delivering raw messages when asked', async () => {
    // arrange
    const { TopicArn } = await h.sns.send(new CreateTopicCommand({ Name: uniqueName('http') }));
    await h.sns.send(
      new SubscribeCommand({
        TopicArn,
        Protocol: 'http',
        Endpoint: `${receiver.endpoint}/flaky`,
        Attributes: {
          RawMessageDelivery: 'true',
          DeliveryPolicy: JSON.stringify({
            healthyRetryPolicy: {
              numRetries: 3,
              numNoDelayRetries: 3,
              minDelayTarget: 1,
              maxDelayTarget: 1,
            },
          }),
        },
      }),
    );
    await eventually(() => received.some((r) => r.path === '/flaky'));
    await new Promise((r) => setTimeout(r, 100));
    failuresLeft = 2;
    const before = received.length;
    // act
    await h.sns.send(new PublishCommand({ TopicArn, Message: 'raw body' }));
    await eventually(() => received.slice(before).filter((r) => r.path === '/flaky').length >= 3);
    // assert
    const attempts = received.slice(before).filter((r) => r.path === '/flaky');
    expect(attempts.map((a) => a.body)).toEqual(['raw body', 'raw body', 'raw body']);
    expect(attempts[0]!.headers['x-amz-sns-rawdelivery']).toBe('true');
    expect(failuresLeft).toBeLessThanOrEqual(0);
    expect(deliveryErrors).toEqual([]);
  });
});
