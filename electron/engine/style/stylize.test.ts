import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { AtelierError } from '../errors';
import type { Mask, RawImage } from '../imaging/raw';
import { ModelRegistry } from '../models/registry';
import { ModelSessions } from '../models/sessions';
import { resizeRgb } from './raw-resize';
import { stylizeImage } from './stylize';
import { detailEnergy, fixtureRgb, meanAbsDiff } from '../testing/style-images';

const registry = new ModelRegistry();
const sessions = new ModelSessions(registry, { intraOpThreads: 2 });
afterAll(() => sessions.dispose());

let photo: RawImage;
beforeAll(async () => {
  photo = await fixtureRgb('cloth-1', 400);
});

function halfMask(img: RawImage): Mask {
  const data = new Uint8Array(img.width * img.height);
  for (let y = 0; y < img.height; y++) data.fill(255, y * img.width + (img.width >> 1), (y + 1) * img.width);
  return { data, width: img.width, height: img.height };
}

async function rejects(promise: Promise<unknown>, code: string, mentions: RegExp): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AtelierError);
  expect((error as AtelierError).code).toBe(code);
  expect((error as AtelierError).message).toMatch(mentions);
  expect((error as AtelierError).hint).toBeTruthy();
}

describe('every installed style model', () => {
  const styleModels = registry.list('style').map((m) => m.entry.id);
  it('includes the bundled default', () => {
    const missing = styleModels.filter((id) => !registry.isInstalled(id));
    if (missing.length)
      console.log(`style models not installed (npm run models -- --dev): ${missing.join(', ')}`);
    expect(registry.isInstalled('anime-facepaint')).toBe(true);
  });

  for (const model of styleModels) {
    it(`${model}: full-size output, plausible values, different from the input`, async (ctx) => {
      if (!registry.isInstalled(model)) {
        console.log(`skipped: ${model} is not installed (npm run models -- --dev)`);
        ctx.skip();
      }
      // processingSize below the photo's size: exercises the way back to full resolution too.
      const result = await stylizeImage(photo, { model, processingSize: 320 }, sessions);
      const { image } = result;
      expect([image.width, image.height, image.channels]).toEqual([photo.width, photo.height, 3]);
      expect(image.data.length).toBe(photo.data.length);
      let sum = 0;
      const histogram = new Set<number>();
      for (const v of image.data) {
        sum += v;
        histogram.add(v);
      }
      const mean = sum / image.data.length;
      expect(mean).toBeGreaterThan(20);
      expect(mean).toBeLessThan(235);
      expect(histogram.size).toBeGreaterThan(100);
      const changed = meanAbsDiff(image, photo);
      console.log(`${model}: mean |Δ| ${changed.toFixed(1)}, ${result.tiles} tiles, ${result.provider.used}`);
      expect(changed).toBeGreaterThan(4);
      expect(result.provider.used).toBe('cpu');
      const scale = 320 / Math.max(photo.width, photo.height);
      expect(result.processedSize).toEqual({
        width: Math.round(photo.width * scale),
        height: Math.round(photo.height * scale),
      });
    });
  }
});

describe('stylizeImage', () => {
  it('keeps full-resolution detail when the look is computed smaller', async () => {
    const big = await fixtureRgb('plants-1', 800);
    const result = await stylizeImage(big, { processingSize: 256 }, sessions);
    const small = await resizeRgb(big, result.processedSize.width, result.processedSize.height);
    const plainUpscale = await resizeRgb(small, big.width, big.height);
    const kept = detailEnergy(result.image);
    console.log(
      `detail: original ${detailEnergy(big).toFixed(1)}, result ${kept.toFixed(1)}, plain upscale ${detailEnergy(plainUpscale).toFixed(1)}`,
    );
    expect(kept).toBeGreaterThan(0.6 * detailEnergy(big));
    expect(kept).toBeGreaterThan(2 * detailEnergy(plainUpscale));
  });

  it('strength 0 returns the input bytes exactly (alpha included)', async () => {
    const rgba: RawImage = { data: Buffer.alloc(40 * 30 * 4, 77), width: 40, height: 30, channels: 4 };
    for (let i = 3; i < rgba.data.length; i += 4) rgba.data[i] = i % 256;
    const result = await stylizeImage(rgba, { strength: 0 }, sessions);
    expect(result.image.data.equals(rgba.data)).toBe(true);
    expect(result.image.data).not.toBe(rgba.data);
    expect(result.tiles).toBe(0);
  });

  it('strength 0.5 lands halfway between the original and the full look', async () => {
    const full = await stylizeImage(photo, { processingSize: 400 }, sessions);
    const half = await stylizeImage(photo, { processingSize: 400, strength: 0.5 }, sessions);
    const ratio = meanAbsDiff(half.image, photo) / meanAbsDiff(full.image, photo);
    expect(ratio).toBeGreaterThan(0.45);
    expect(ratio).toBeLessThan(0.55);
  });

  it('keeps alpha and the channel count of RGBA and grey images', async () => {
    const n = 120 * 90;
    const rgba: RawImage = { data: Buffer.alloc(n * 4), width: 120, height: 90, channels: 4 };
    for (let p = 0; p < n; p++) rgba.data.set([p % 200, (p * 3) % 255, 90, p % 256], p * 4);
    const out = await stylizeImage(rgba, {}, sessions);
    expect(out.image.channels).toBe(4);
    for (let p = 0; p < n; p++) expect(out.image.data[p * 4 + 3]).toBe(p % 256);
    const grey: RawImage = { data: Buffer.alloc(n, 128), width: 120, height: 90, channels: 1 };
    const greyOut = await stylizeImage(grey, {}, sessions);
    expect(greyOut.image.channels).toBe(1);
    expect(greyOut.image.data.length).toBe(n);
  });

  it('subject mode leaves every mask-0 pixel unchanged; background mode the inverse', async () => {
    const mask = halfMask(photo);
    const subject = await stylizeImage(photo, { mode: 'subject', mask, processingSize: 400 }, sessions);
    const background = await stylizeImage(photo, { mode: 'background', mask, processingSize: 400 }, sessions);
    let subjectChanged = 0;
    let backgroundChanged = 0;
    let keptWrong = 0;
    for (let p = 0; p < photo.width * photo.height; p++) {
      for (let c = 0; c < 3; c++) {
        const i = p * 3 + c;
        if (mask.data[p] === 0) {
          if (subject.image.data[i] !== photo.data[i]) keptWrong++;
          if (background.image.data[i] !== photo.data[i]) backgroundChanged++;
        } else {
          if (background.image.data[i] !== photo.data[i]) keptWrong++;
          if (subject.image.data[i] !== photo.data[i]) subjectChanged++;
        }
      }
    }
    expect(keptWrong).toBe(0);
    const half = (photo.width * photo.height * 3) / 2;
    expect(subjectChanged).toBeGreaterThan(0.5 * half);
    expect(backgroundChanged).toBeGreaterThan(0.5 * half);
  });
});

describe('progress and cancellation', () => {
  it('reports each tile batch, ending at the total', async () => {
    const seen: [number, number][] = [];
    const result = await stylizeImage(
      photo,
      { processingSize: 400, onProgress: (done, total) => seen.push([done, total]) },
      sessions,
    );
    expect(seen).toHaveLength(result.tiles);
    expect(seen.at(-1)).toEqual([result.tiles, result.tiles]);
  });

  it('stops between tiles with CANCELLED', async () => {
    const abort = new AbortController();
    let calls = 0;
    const onProgress = () => {
      calls++;
      abort.abort();
    };
    await rejects(
      stylizeImage(photo, { processingSize: 400, signal: abort.signal, onProgress }, sessions),
      'CANCELLED',
      /cancelled/,
    );
    expect(calls).toBe(1);
  });
});

describe('bad input', () => {
  const tiny: RawImage = { data: Buffer.alloc(8 * 8 * 3, 100), width: 8, height: 8, channels: 3 };

  it('subject or background mode without a mask', async () => {
    await rejects(stylizeImage(tiny, { mode: 'subject' }, sessions), 'USAGE', /mask/);
    await rejects(stylizeImage(tiny, { mode: 'background' }, sessions), 'USAGE', /mask/);
  });

  it('a mask of another size', async () => {
    const mask: Mask = { data: new Uint8Array(4 * 4), width: 4, height: 4 };
    await rejects(stylizeImage(tiny, { mode: 'subject', mask }, sessions), 'USAGE', /"mask" is 4×4.*8×8/);
  });

  it('out-of-range options name the field', async () => {
    await rejects(stylizeImage(tiny, { strength: 1.5 }, sessions), 'USAGE', /strength/);
    await rejects(stylizeImage(tiny, { processingSize: 10 }, sessions), 'USAGE', /processingSize/);
    await rejects(stylizeImage(tiny, { tileOverlap: 200 }, sessions), 'USAGE', /tileOverlap/);
  });

  it('a pixel buffer that does not match its size', async () => {
    const broken: RawImage = { ...tiny, data: Buffer.alloc(10) };
    await rejects(stylizeImage(broken, {}, sessions), 'USAGE', /10 bytes, expected 8×8×3/);
  });

  it('an unknown model, and a model that is not a style model', async () => {
    await rejects(stylizeImage(tiny, { model: 'no-such-look' }, sessions), 'NOT_FOUND', /no-such-look/);
    await rejects(stylizeImage(tiny, { model: 'u2netp' }, sessions), 'USAGE', /u2netp.*not a style model/);
  });
});
