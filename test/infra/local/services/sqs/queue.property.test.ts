import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_QUEUE_ATTRIBUTES } from '../../../../../infra/local/services/sqs/attributes.ts';
import { Queue } from '../../../../../infra/local/services/sqs/queue.ts';

type Op =
  | { kind: 'send'; delaySeconds: number }
  | { kind: 'receive'; max: number; visibilitySeconds: number }
  | { kind: 'delete' }
  | { kind: 'advance'; millis: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('send' as const), delaySeconds: fc.integer({ min: 0, max: 3 }) }),
  fc.record({
    kind: fc.constant('receive' as const),
    max: fc.integer({ min: 1, max: 10 }),
    visibilitySeconds: fc.integer({ min: 0, max: 3 }),
  }),
  fc.record({ kind: fc.constant('delete' as const) }),
  fc.record({ kind: fc.constant('advance' as const), millis: fc.integer({ min: 0, max: 4_000 }) }),
);

describe('Queue (property)', () => {
  it('never loses or duplicates a message: counts add up, and a hidden message is never received', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        // arrange
        const queue = new Queue({
          name: 'p',
          arn: 'arn:aws:sqs:us-east-1:000000000000:p',
          attributes: { ...DEFAULT_QUEUE_ATTRIBUTES },
          createdAt: 0,
        });
        let now = 1_000;
        let sent = 0;
        let deleted = 0;
        const hiddenUntil = new Map<string, number>();
        const handles: string[] = [];
        const noDeadLetter = () => false;
        // act
        for (const o of ops) {
          if (o.kind === 'send') {
            queue.send(
              { body: 'b', messageAttributes: {}, delaySeconds: o.delaySeconds, senderId: 'x' },
              now,
            );
            sent += 1;
          } else if (o.kind === 'receive') {
            const got = queue.receive(o.max, o.visibilitySeconds, now, noDeadLetter);
            expect(got.length).toBeLessThanOrEqual(o.max);
            expect(new Set(got.map((m) => m.messageId)).size).toBe(got.length);
            for (const m of got) {
              // assert: never handed out while hidden by an earlier receive
              expect(hiddenUntil.get(m.messageId) ?? 0).toBeLessThanOrEqual(now);
              hiddenUntil.set(m.messageId, now + o.visibilitySeconds * 1000);
              handles.push(m.receiptHandle!);
            }
          } else if (o.kind === 'delete') {
            const handle = handles.pop();
            if (handle !== undefined) {
              const before = queue.counts(now);
              queue.delete(handle);
              const after = queue.counts(now);
              deleted +=
                before.visible +
                before.notVisible +
                before.delayed -
                (after.visible + after.notVisible + after.delayed);
            }
          } else {
            now += o.millis;
          }
          const c = queue.counts(now);
          expect(c.visible + c.notVisible + c.delayed).toBe(sent - deleted);
        }
      }),
    );
  });
});
