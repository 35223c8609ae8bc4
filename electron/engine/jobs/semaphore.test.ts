import { describe, expect, it } from 'vitest';
import { Gate } from './gate';
import { Semaphore } from './semaphore';

describe('Semaphore', () => {
  it('never lets more than its capacity run and serves waiters in order', async () => {
    const sem = new Semaphore(2);
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        sem.with(async () => {
          order.push(i);
          running += 1;
          peak = Math.max(peak, running);
          await new Promise((r) => setTimeout(r, 5));
          running -= 1;
        }),
      ),
    );
    expect(peak).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(sem.inUse).toBe(0);
  });
});

describe('Gate', () => {
  it('holds waiters while closed and releases them on open', async () => {
    const gate = new Gate();
    gate.close();
    let passed = false;
    const waiting = gate.wait().then(() => (passed = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(passed).toBe(false);
    gate.open();
    await waiting;
    expect(passed).toBe(true);
  });
});
