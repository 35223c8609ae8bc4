import { describe, expect, it } from 'vitest';
import { backoffDelay, sleep } from './backoff';

describe('backoffDelay', () => {
  it('doubles the ceiling per attempt up to the cap, with the jitter spanning [0, ceiling)', () => {
    const top = () => 0.999999;
    expect(backoffDelay(0, { baseMs: 100, random: top })).toBe(99);
    expect(backoffDelay(3, { baseMs: 100, random: top })).toBe(799);
    expect(backoffDelay(30, { baseMs: 100, maxMs: 5000, random: top })).toBe(4999);
    expect(backoffDelay(5, { baseMs: 100, random: () => 0 })).toBe(0);
  });

  it('spreads clients: 200 draws at attempt 4 are not all equal and stay under the ceiling', () => {
    const draws = Array.from({ length: 200 }, () => backoffDelay(4, { baseMs: 100 }));
    expect(new Set(draws).size).toBeGreaterThan(50);
    expect(Math.max(...draws)).toBeLessThan(1600);
  });

  it('sleep stops early when its signal aborts', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('stop')), 10);
    const started = Date.now();
    await expect(sleep(10_000, controller.signal)).rejects.toThrow('stop');
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
