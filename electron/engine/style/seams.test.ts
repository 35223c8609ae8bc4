import { afterAll, describe, expect, it } from 'vitest';
import type { RawImage } from '../imaging/raw';
import { ModelRegistry } from '../models/registry';
import { ModelSessions } from '../models/sessions';
import { stylizeImage } from './stylize';
import { flatImage, gradientImage, seamRatio } from '../testing/style-images';
import { planTiles } from './tiles';

const registry = new ModelRegistry();
const sessions = new ModelSessions(registry, { intraOpThreads: 2 });
afterAll(() => sessions.dispose());

/** Where each tile starts and ends inside the image: where a naive stitch would show a seam. */
function tileBorders(img: RawImage, tile: number, overlap: number): { x: number[]; y: number[] } {
  const plan = planTiles(img.width, img.height, tile, tile, overlap);
  const edges = (origins: number[], length: number) =>
    [...new Set(origins.flatMap((o) => [o, o + tile]))].filter((p) => p > 0 && p < length);
  return { x: edges(plan.xs, img.width), y: edges(plan.ys, img.height) };
}

// processingSize = the image's long side: the look is computed at the image's own size (no
// enlargement), so the tile borders measured are exactly those of the model run.
describe('tiled styling has no seams', () => {
  for (const [name, make] of [
    ['flat', flatImage],
    ['gradient', gradientImage],
  ] as const) {
    it(`anime-facepaint (256² tiles) on a ${name} 600×400 image`, async () => {
      const img = make(600, 400);
      const result = await stylizeImage(img, { model: 'anime-facepaint', processingSize: 600 }, sessions);
      expect(result.tiles).toBe(6);
      const ratio = seamRatio(result.image, tileBorders(img, 256, 64));
      console.log(`seam ratio anime-facepaint ${name}: ${ratio.toFixed(3)}`);
      expect(ratio).toBeGreaterThan(0.7);
      expect(ratio).toBeLessThan(1.2);
    });
  }

  it('fns-mosaic (720² tiles, batched) on a gradient 1000×300 image', async (ctx) => {
    if (!registry.isInstalled('fns-mosaic')) {
      console.log('skipped: fns-mosaic is not installed (npm run models -- --dev)');
      ctx.skip();
    }
    const img = gradientImage(1000, 300);
    const result = await stylizeImage(img, { model: 'fns-mosaic', processingSize: 1000 }, sessions);
    expect(result.tiles).toBe(2);
    const ratio = seamRatio(result.image, tileBorders(img, 720, 180));
    console.log(`seam ratio fns-mosaic gradient: ${ratio.toFixed(3)}`);
    // Mosaic's strong texture makes two border columns a noisy sample: below 1 is texture, not a
    // seam; a stitched seam measures ~3.8 here.
    expect(ratio).toBeGreaterThan(0.6);
    expect(ratio).toBeLessThan(1.25);
  });

  it('the measure does catch a seam: two halves styled separately and put side by side', async () => {
    // What naive tiling produces: each 256² half styled on its own, stitched with no cross-fade.
    const img = gradientImage(512, 256);
    const half = (x0: number): RawImage => {
      const data = Buffer.alloc(256 * 256 * 3);
      for (let y = 0; y < 256; y++)
        img.data.copy(data, y * 256 * 3, (y * 512 + x0) * 3, (y * 512 + x0 + 256) * 3);
      return { data, width: 256, height: 256, channels: 3 };
    };
    const [left, right] = await Promise.all(
      [half(0), half(256)].map((h) => stylizeImage(h, { model: 'anime-facepaint' }, sessions)),
    );
    const stitched = Buffer.alloc(img.data.length);
    for (let y = 0; y < 256; y++) {
      left!.image.data.copy(stitched, y * 512 * 3, y * 256 * 3, (y + 1) * 256 * 3);
      right!.image.data.copy(stitched, (y * 512 + 256) * 3, y * 256 * 3, (y + 1) * 256 * 3);
    }
    const ratio = seamRatio({ ...img, data: stitched }, { x: [256], y: [] });
    console.log(`seam ratio with naive stitching: ${ratio.toFixed(3)}`);
    expect(ratio).toBeGreaterThan(3);
  });
});
