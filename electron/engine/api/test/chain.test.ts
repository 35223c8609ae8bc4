/**
 * Chains of operations through the real handler table (issue 19): a cut-out followed by a stylize —
 * whose settings are the stylize's own, never merged into the cut-out's ("Unknown cut-out setting
 * "strength"" was the symptom) — then a cut-out of that stylized result, which keeps a mask of its
 * own so it can be edited; and a chain from an item with no result, refused in plain words.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePhoto } from '../../testing/fixtures';
import { handlerTableUnderTest } from '../../testing/handler-table';

describe('history.chain: any operation after any other', () => {
  const api = handlerTableUnderTest('atelier-chain-');
  const { call, finished, out } = api;
  beforeAll(api.open);
  afterAll(api.close);

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
    const failed = await api.engine().store.recordGeneration({
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
