/**
 * Chains of operations through the real handler table (issue 19): a cut-out followed by a stylize —
 * whose settings are the stylize's own, never merged into the cut-out's ("Unknown cut-out setting
 * "strength"" was the symptom) — then a cut-out of that stylized result, which keeps a mask of its
 * own so it can be edited; and a chain from an item with no result, refused in plain words.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../engine';
import { createHandlers, dispatch, type HandlerTable } from '../handlers';
import type { BatchItemEvent } from '../contract';
import { fixturePhoto, tempDir } from '../../testing/fixtures';

describe('history.chain: any operation after any other', () => {
  const { dir, cleanup } = tempDir('atelier-chain-');
  let engine: Engine;
  let table: HandlerTable;
  const events: BatchItemEvent[] = [];
  const call = async (method: string, params: unknown) => {
    const answer = await dispatch(table, method, params);
    if (!answer.ok) throw Object.assign(new Error(answer.error.message), answer.error);
    return answer.result as Record<string, unknown>;
  };
  /** Waits for the batch's one item to finish and returns its history item. */
  const finished = async (batchId: string) => {
    for (let i = 0; i < 600; i++) {
      const e = events.find((x) => x.batchId === batchId && x.status !== 'running');
      if (e) {
        expect(e.error).toBeNull();
        return call('history.get', { id: e.generationId });
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`batch ${batchId} did not finish`);
  };

  const out = path.join(dir, 'out');

  beforeAll(async () => {
    mkdirSync(out, { recursive: true });
    process.env.ATELIER_OUTPUT_DIR = out;
    engine = await Engine.open({ profileDir: path.join(dir, 'profile'), provider: 'cpu', billing: 'none' });
    table = createHandlers({
      engine,
      version: 'test',
      emit: (event, payload) => {
        if (event === 'batch.item') events.push(payload as BatchItemEvent);
      },
    });
  });
  afterAll(() => {
    engine.close();
    cleanup();
  });

  it('cut out → stylize (its own settings) → cut out again, each named after the photo', async () => {
    const cut = await call('batch.start', {
      operation: 'cutout',
      params: { background: { type: 'color', color: { r: 0, g: 0, b: 255, a: 255 } } },
      inputs: [fixturePhoto('car-1')],
      outputDir: out,
    });
    const cutItem = await finished(cut.batchId as string);
    expect(cutItem.operation).toBe('cutout');

    const styled = await call('history.chain', {
      id: cutItem.id,
      operation: 'stylize',
      params: { model: 'fns-candy', strength: 0.8, mode: 'full', processingSize: 768 },
    });
    const styleItem = await finished(styled.batchId as string);
    expect(styleItem.operation).toBe('stylize');
    expect(styleItem.model).toBe('fns-candy');
    expect(styleItem.inputName).toBe('car-1.jpg');
    expect(styleItem.outputImageId).not.toBeNull();

    const again = await call('history.chain', { id: styleItem.id, operation: 'cutout', params: {} });
    const againItem = await finished(again.batchId as string);
    expect(againItem.operation).toBe('cutout');
    // A cut-out of the stylized picture keeps its own mask: it can be recoloured and touched up.
    expect(againItem.maskImageId).not.toBeNull();
    expect(againItem.canRerender).toBe(true);
  }, 180_000);

  it('a chain from an item with no result is refused in plain words', async () => {
    const failed = await engine.store.recordGeneration({
      operation: 'cutout',
      params: { format: 'png' },
      status: 'failed',
      error: 'truncated',
      inputName: 'broken.jpg',
    });
    await expect(
      call('history.chain', { id: failed.id, operation: 'stylize', params: {} }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'broken.jpg has no result to work on' });
  });
});
