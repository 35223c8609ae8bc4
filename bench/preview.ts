/**
 * `npm run bench -- preview`. Preview latency, the figure of issue 11: how long a compositing change takes in the renderer at
 * the display size the editor uses (longest side ≤ 1600 px, whatever the photo's resolution), with
 * the subject layer already cached as in the app (only the background, shadow or canvas changed).
 * A 1 MP photo is composed at 1000×1000; a 24 MP photo (6000×4000) at its 1600×1067 display copy.
 */
import sharp from 'sharp';
import { loadFixtureSubject } from '../electron/engine/testing/compose-subject';
import {
  composeRecipe,
  type ComposeCache,
  type ComposeSource,
  type Recipe,
} from '../electron/engine/compose/core';

async function source(
  width: number,
  height: number,
  full: { width: number; height: number },
): Promise<ComposeSource> {
  const f = await loadFixtureSubject('plants-1');
  const raw = (img: { data: Uint8Array | Buffer; width: number; height: number }, channels: 1 | 3) =>
    sharp(Buffer.from(img.data), { raw: { width: img.width, height: img.height, channels } }).resize(
      width,
      height,
      { fit: 'fill' },
    );
  const o = await raw(f.original, 3).ensureAlpha().raw().toBuffer();
  const m = await raw(f.mask, 1).extractChannel(0).raw().toBuffer();
  return {
    photo: { data: new Uint8ClampedArray(o), width, height, channels: 4 },
    mask: { data: new Uint8Array(m), width, height },
    fullWidth: full.width,
    fullHeight: full.height,
  };
}

const base: Recipe = { feather: 0, edges: 'soft', decontaminate: true };
const changes: Record<string, Recipe> = {
  colour: { ...base, background: { type: 'color', color: { r: 250, g: 40, b: 40, a: 255 } } },
  'linear gradient': {
    ...base,
    background: {
      type: 'linear',
      stops: [
        { r: 255, g: 255, b: 255, a: 255 },
        { r: 200, g: 200, b: 210, a: 255 },
      ],
      angle: 180,
    },
  },
  'blurred photo': { ...base, background: { type: 'blur', radius: 24 } },
  'colour + shadow': {
    ...base,
    background: { type: 'color', color: { r: 255, g: 255, b: 255, a: 255 } },
    shadow: { opacity: 0.5, blur: 18, offsetY: 4, spread: 1.05 },
  },
  'amazon canvas + shadow': {
    ...base,
    canvas: { width: 2000, height: 2000, fill: 0.85, align: 'center' },
    shadow: { opacity: 0.5, blur: 18, offsetY: 4, spread: 1.05 },
  },
};

export async function benchPreview(): Promise<void> {
  for (const [label, display, full] of [
    ['1 MP', { width: 1000, height: 1000 }, { width: 1000, height: 1000 }],
    ['24 MP', { width: 1600, height: 1067 }, { width: 6000, height: 4000 }],
  ] as const) {
    const src = await source(display.width, display.height, full);
    const cache: ComposeCache = {};
    let t = performance.now();
    composeRecipe(src, base, { withBefore: true }, cache);
    const first = performance.now() - t;
    console.log(`${label} (${display.width}×${display.height} display): first open ${first.toFixed(0)} ms`);
    for (const [name, recipe] of Object.entries(changes)) {
      const runs: number[] = [];
      for (let i = 0; i < 5; i++) {
        t = performance.now();
        composeRecipe(src, recipe, { withBefore: true }, cache);
        runs.push(performance.now() - t);
      }
      runs.sort((a, b) => a - b);
      console.log(`  ${name}: median of 5 ${runs[2]!.toFixed(0)} ms`);
    }
  }
}
