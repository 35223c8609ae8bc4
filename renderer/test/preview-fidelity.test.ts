/**
 * The live preview must look like the saved output. Both now run the same compositing core
 * (electron/engine/compose/core): the engine through operations/cutout-compose.ts (engine images,
 * the image background read from its file), the preview through the worker's PreviewJob
 * (renderer/src/editor/preview-job.ts: RGBA as the browser decodes it, the picture passed as pixels).
 *
 * What is compared: for a real photo and its real u2netp mask, each recipe composed by the engine at
 * full resolution and by the preview job given the full-resolution photo and mask (as if the
 * display size were the photo's size). Differences here are everything the two paths do differently
 * around the core (input channels, the picture's decoding, buffer handling): they must stay within
 * mean ≤ 1 and p99 ≤ 8 levels. At the editor's real display size the preview is additionally a
 * smaller photo and mask (the image route's ?max); that scaling is not a compositing difference, so
 * the display-size figures are printed for information and bounded loosely (the edge band of a
 * shrunk mask differs from the shrunk edge band of the full-size render).
 * Lives outside renderer/src because it imports the engine, which the renderer itself may not.
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { Rgba8 } from '../../electron/engine/compose/core';
import { readPicture } from '../../electron/engine/compose/image-file';
import type { Mask, RawImage } from '../../electron/engine/imaging/raw';
import { composeCutout } from '../../electron/engine/operations/cutout-compose';
import { loadFixtureSubject } from '../../electron/engine/testing/compose-subject';
import { fixturePhoto } from '../../electron/engine/testing/fixtures';
import { PreviewJob } from '../src/editor/preview-job';
import type { Recipe } from '../src/editor/recipe';

const DISPLAY_SIDE = 600;

/** The engine's own compositing from a stored mask (what edit.render runs at full resolution). */
function engineRender(original: RawImage, soft: Mask, r: Recipe): Promise<RawImage> {
  return composeCutout(original, soft, { ...r, maskOnly: false });
}

const rgba = (data: Uint8Array, width: number, height: number): Rgba8 => ({
  data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.length),
  width,
  height,
});

/** Pixels as the browser hands them to the editor: RGBA, optionally shrunk to fit `side`. */
async function asBrowserRgba(img: RawImage, side?: number): Promise<Rgba8> {
  let s = sharp(img.data, { raw: { width: img.width, height: img.height, channels: img.channels } });
  if (side) s = s.resize({ width: side, height: side, fit: 'inside', withoutEnlargement: true });
  const { data, info } = await s.ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return rgba(data, info.width, info.height);
}

async function shrinkMask(mask: Mask, width: number, height: number): Promise<Mask> {
  const data = await sharp(Buffer.from(mask.data), {
    raw: { width: mask.width, height: mask.height, channels: 1 },
  })
    .resize(width, height, { fit: 'fill' })
    .extractChannel(0)
    .raw()
    .toBuffer();
  return { data: new Uint8Array(data), width, height };
}

/** The preview worker's job for a photo given at `photo`'s size standing for `full`. */
function previewJob(photo: Rgba8, mask: Mask, full: RawImage, picture: Rgba8): PreviewJob {
  const job = new PreviewJob();
  job.handle({ type: 'source', photo, mask, fullWidth: full.width, fullHeight: full.height });
  job.handle({ type: 'picture', picture });
  return job;
}

/** Mean and 99th-percentile colour difference, both images flattened onto mid grey. */
function difference(a: Rgba8, b: Rgba8): { mean: number; p99: number } {
  expect([a.width, a.height]).toEqual([b.width, b.height]);
  const n = a.width * a.height;
  const diffs = new Float32Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    let d = 0;
    for (let c = 0; c < 3; c++) {
      const va = (a.data[i * 4 + c]! * a.data[i * 4 + 3]! + 128 * (255 - a.data[i * 4 + 3]!)) / 255;
      const vb = (b.data[i * 4 + c]! * b.data[i * 4 + 3]! + 128 * (255 - b.data[i * 4 + 3]!)) / 255;
      d = Math.max(d, Math.abs(va - vb));
    }
    diffs[i] = d;
    sum += d;
  }
  diffs.sort();
  return { mean: sum / n, p99: diffs[Math.floor(n * 0.99)]! };
}

const base: Recipe = { feather: 0, edges: 'soft', decontaminate: true };
const grey = { r: 200, g: 200, b: 204, a: 255 };
const shadow = { opacity: 0.5, blur: 18, offsetY: 4, spread: 1.05 };
const picturePath = fixturePhoto('plants-1');
const recipes: Record<string, Recipe> = {
  transparent: base,
  colour: { ...base, background: { type: 'color', color: { r: 30, g: 90, b: 200, a: 255 } } },
  linear: {
    ...base,
    background: { type: 'linear', stops: [{ r: 255, g: 255, b: 255, a: 255 }, grey], angle: 180 },
  },
  radial: {
    ...base,
    background: {
      type: 'radial',
      inner: { r: 255, g: 250, b: 240, a: 255 },
      outer: { r: 90, g: 90, b: 100, a: 255 },
    },
  },
  blur: { ...base, background: { type: 'blur', radius: 24 } },
  picture: { ...base, background: { type: 'image', path: picturePath } },
  'hard + feather': {
    ...base,
    edges: 'hard',
    feather: 6,
    background: { type: 'color', color: { r: 0, g: 0, b: 0, a: 255 } },
  },
  trim: { ...base, trim: 20, background: { type: 'color', color: grey } },
  'colour + shadow': { ...base, background: { type: 'color', color: grey }, shadow },
  'amazon canvas + shadow': {
    ...base,
    canvas: { width: 2000, height: 2000, fill: 0.85, align: 'center' },
    shadow,
  },
  'story canvas, blurred photo': {
    ...base,
    canvas: { width: 1080, height: 1920, fill: 0.62, align: 'bottom' },
    background: { type: 'blur', radius: 30 },
  },
};

describe('live preview vs the engine’s full-resolution render', () => {
  for (const photo of ['cloth-1', 'car-1'] as const) {
    it(`${photo}: every recipe matches within mean 1 / p99 8 levels at the same size`, async () => {
      const fixture = await loadFixtureSubject(photo);
      const picture = await asBrowserRgba(await readPicture(picturePath));
      const fullJob = previewJob(
        await asBrowserRgba(fixture.original),
        fixture.mask,
        fixture.original,
        picture,
      );
      const small = await asBrowserRgba(fixture.original, DISPLAY_SIDE);
      const displayJob = previewJob(
        small,
        await shrinkMask(fixture.mask, small.width, small.height),
        fixture.original,
        picture,
      );
      const rows: string[] = [];
      for (const [name, recipe] of Object.entries(recipes)) {
        const full = await asBrowserRgba(await engineRender(fixture.original, fixture.mask, recipe));
        const compose = { type: 'compose' as const, id: 1, recipe, withBefore: false, draft: false };
        const same = fullJob.handle({ ...compose, maxSide: Infinity })!.preview;
        expect(same.notes, name).toEqual([]);
        const d = difference(same.image, full);
        const shown = displayJob.handle({ ...compose, maxSide: DISPLAY_SIDE })!.preview;
        // Trim measures the subject's bounds on the display-size mask: within a couple of pixels.
        expect(Math.abs(shown.outputWidth - full.width), name).toBeLessThanOrEqual(2);
        expect(Math.abs(shown.outputHeight - full.height), name).toBeLessThanOrEqual(2);
        const shrunk = rgba(
          await sharp(Buffer.from(full.data), {
            raw: { width: full.width, height: full.height, channels: 4 },
          })
            .resize(shown.image.width, shown.image.height, { fit: 'fill' })
            .raw()
            .toBuffer(),
          shown.image.width,
          shown.image.height,
        );
        const ds = difference(shown.image, shrunk);
        rows.push(
          `${photo} ${name}: full size mean Δ ${d.mean.toFixed(2)}, p99 Δ ${d.p99.toFixed(1)}; ` +
            `display ${shown.image.width}×${shown.image.height} mean Δ ${ds.mean.toFixed(2)}, p99 Δ ${ds.p99.toFixed(1)}`,
        );
        expect(d.mean, name).toBeLessThanOrEqual(1);
        expect(d.p99, name).toBeLessThanOrEqual(8);
        // Display size: shrinking before vs after compositing; trim's size is a pixel or two off there.
        expect(ds.mean, name).toBeLessThan(name === 'trim' ? 10 : 5);
      }
      console.log(rows.join('\n'));
    });
  }

  it('a changed colour changes the preview (the comparison can fail)', async () => {
    const fixture = await loadFixtureSubject('car-1', 800);
    const job = new PreviewJob();
    job.handle({
      type: 'source',
      photo: await asBrowserRgba(fixture.original),
      mask: fixture.mask,
      fullWidth: fixture.original.width,
      fullHeight: fixture.original.height,
    });
    const full = await asBrowserRgba(await engineRender(fixture.original, fixture.mask, recipes.colour!));
    const wrong = job.handle({
      type: 'compose',
      id: 1,
      recipe: { ...recipes.colour!, background: { type: 'color', color: { r: 200, g: 30, b: 30, a: 255 } } },
      withBefore: false,
      draft: false,
    })!.preview;
    expect(difference(wrong.image, full).mean).toBeGreaterThan(20);
  });
});
