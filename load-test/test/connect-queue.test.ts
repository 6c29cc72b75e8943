import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createConnectQueue } from '../src/connect-queue';

describe('connect queue', () => {
  it('never has more than max attempts under way, starts every attempt once and in order (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 8 }),
        // Each step queues some attempts, then settles some of those under way (ok or failed).
        fc.array(
          fc.record({
            push: fc.integer({ min: 0, max: 5 }),
            settle: fc.integer({ min: 0, max: 5 }),
            fail: fc.boolean(),
          }),
          {
            maxLength: 30,
          },
        ),
        async (max, steps) => {
          const started: number[] = [];
          const pending: { resolve: () => void; reject: (e: Error) => void }[] = [];
          let peak = 0;
          const queue = createConnectQueue<number>(max, (n) => {
            started.push(n);
            peak = Math.max(peak, queue.running);
            return new Promise<void>((resolve, reject) => pending.push({ resolve, reject }));
          });
          let queued = 0;
          const flush = () => new Promise((r) => setTimeout(r, 0));
          for (const step of steps) {
            for (let i = 0; i < step.push; i++) queue.push(queued++);
            for (let i = 0; i < step.settle && pending.length > 0; i++) {
              const p = pending.shift()!;
              if (step.fail) p.reject(new Error('refused'));
              else p.resolve();
            }
            await flush();
            expect(queue.running).toBeLessThanOrEqual(max);
            expect(queue.running).toBe(pending.length);
            // Nothing waits while a slot is free.
            if (queue.running < max) expect(queue.waiting).toBe(0);
          }
          while (pending.length > 0) {
            pending.shift()!.resolve();
            await flush();
          }
          expect(peak).toBeLessThanOrEqual(max);
          expect(started).toEqual(Array.from({ length: queued }, (_, i) => i));
          expect(queue.waiting).toBe(0);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('drops waiting attempts on clear; those under way still finish', async () => {
    const started: number[] = [];
    const release: (() => void)[] = [];
    const queue = createConnectQueue<number>(2, (n) => {
      started.push(n);
      return new Promise<void>((r) => release.push(r));
    });
    for (let i = 0; i < 5; i++) queue.push(i);
    expect(queue.running).toBe(2);
    expect(queue.waiting).toBe(3);
    queue.clear();
    for (const r of release) r();
    await new Promise((r) => setTimeout(r, 0));
    expect(started).toEqual([0, 1]);
    expect(queue.running).toBe(0);
  });
});
