/**
 * The pipeline's scheduling contract, with an operation whose stages take known times: stages of
 * neighbours overlap, inference never runs more than its lanes, at most maxInFlight items are held,
 * failures stay with their item, pause holds new work and cancel drops what has not started.
 */
import { describe, expect, it } from 'vitest';
import { AtelierError } from '../errors';
import type { BoundOperation } from '../operations/types';
import { Pipeline, type PipelineItem } from './pipeline';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function timedOperation(ms: { decode: number; process: number; encode: number }, failOn?: string) {
  const stats = { held: 0, peakHeld: 0, inferring: 0, peakInferring: 0, log: [] as string[] };
  const op: BoundOperation = {
    name: 'cutout',
    params: {},
    model: 'test',
    format: 'png',
    async decode(input) {
      stats.log.push(`decode:${input}`);
      await sleep(ms.decode);
      if (input === failOn)
        throw new AtelierError('CORRUPT_IMAGE', `Corrupt image: ${input}`, { file: input });
      stats.held += 1;
      stats.peakHeld = Math.max(stats.peakHeld, stats.held);
      return input;
    },
    async process(decoded) {
      stats.inferring += 1;
      stats.peakInferring = Math.max(stats.peakInferring, stats.inferring);
      stats.log.push(`process:${String(decoded)}`);
      await sleep(ms.process);
      stats.inferring -= 1;
      return { value: decoded };
    },
    async encode(value) {
      await sleep(ms.encode);
      stats.held -= 1;
      stats.log.push(`encoded:${String(value)}`);
      return Buffer.from(String(value));
    },
  };
  return { op, stats };
}

const items = (n: number): PipelineItem[] =>
  Array.from({ length: n }, (_, i) => ({
    id: String(i),
    input: `img${i}`,
    output: `/nonexistent/out${i}.png`,
  }));

describe('Pipeline', () => {
  it('overlaps decode and encode with inference, within the in-flight bound', async () => {
    const { op, stats } = timedOperation({ decode: 30, process: 40, encode: 30 });
    const pipeline = new Pipeline(op, { inferenceLanes: 1, ioLanes: 2, maxInFlight: 3, skipExisting: false });
    const results = await pipeline.runAll(items(10), () => {});
    expect(results.map((r) => r.status)).toEqual(Array(10).fill('done'));
    expect(stats.peakInferring).toBe(1);
    expect(stats.peakHeld).toBeLessThanOrEqual(3);
    // Sequential would be 10 × 100 ms; pipelined it approaches 10 × 40 ms of inference plus fill/drain.
    // The second image is decoded before the first has finished inference.
    expect(stats.log.indexOf('decode:img1')).toBeLessThan(stats.log.indexOf('encoded:img0'));
  });

  it('isolates a failure to its item and reports it with its error', async () => {
    const { op } = timedOperation({ decode: 1, process: 1, encode: 1 }, 'img2');
    const pipeline = new Pipeline(op, { inferenceLanes: 1, ioLanes: 2, maxInFlight: 3, skipExisting: false });
    const results = await pipeline.runAll(items(4), () => {});
    expect(results.map((r) => r.status)).toEqual(['done', 'done', 'failed', 'done']);
    expect(results[2]?.error).toMatchObject({ code: 'CORRUPT_IMAGE', message: 'Corrupt image: img2' });
  });

  it('pause holds new items; resume continues; cancel drops the ones not started', async () => {
    const { op, stats } = timedOperation({ decode: 5, process: 20, encode: 5 });
    const pipeline = new Pipeline(op, { inferenceLanes: 1, ioLanes: 1, maxInFlight: 2, skipExisting: false });
    let finishedCount = 0;
    const run = pipeline.runAll(items(12), () => {
      finishedCount += 1;
      if (finishedCount === 2) pipeline.gate.close();
    });
    // Wait (on the operation's own log, not a fixed time) for the items already past the gate into
    // inference to finish; decoded ones wait at the gate in front of inference.
    const count = (prefix: string) => stats.log.filter((l) => l.startsWith(prefix)).length;
    await expect.poll(() => count('process:') === count('encoded:') && finishedCount >= 2).toBe(true);
    const whilePaused = finishedCount;
    const inferredWhilePaused = count('process:');
    // The one window that has to be time: showing nothing new starts inference while the gate is closed.
    await sleep(100);
    expect(finishedCount).toBe(whilePaused);
    expect(count('process:')).toBe(inferredWhilePaused);
    pipeline.gate.open();
    // Cancel once the pipeline has demonstrably moved again.
    await expect.poll(() => finishedCount).toBeGreaterThan(whilePaused);
    pipeline.cancel();
    const results = await run;
    const done = results.filter((r) => r.status === 'done').length;
    const cancelled = results.filter((r) => r.status === 'cancelled');
    expect(done + cancelled.length).toBe(12);
    expect(cancelled.length).toBeGreaterThan(0);
    expect(cancelled[0]?.error?.code).toBe('CANCELLED');
    expect(stats.log.filter((l) => l.startsWith('encoded:')).length).toBe(done);
  });
});
