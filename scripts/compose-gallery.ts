/**
 * Renders the compose gallery to bench/out/compose/ (git-ignored) so people can look at what the
 * backgrounds, shadows, canvases and reference modes produce on real photos. The masks are rembg's
 * u2netp alpha for the fixture photos (see ../shared/fixtures/rembg).
 *
 *   npx tsx scripts/compose-gallery.ts
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { composeOver, renderBackground } from '../electron/engine/compose/background';
import { CANVAS_PRESETS, placeOnCanvas } from '../electron/engine/compose/canvas';
import { loadFixtureSubject } from '../electron/engine/testing/compose-subject';
import { readPicture } from '../electron/engine/compose/image-file';
import { extractPalette, renderBackdrop } from '../electron/engine/compose/palette';
import { parseBackground, parseCanvas, parseShadow } from '../electron/engine/compose/parse';
import { placeOnReference } from '../electron/engine/compose/reference';
import { applyShadow, defaultShadow, renderShadow } from '../electron/engine/compose/shadow';
import type { RawImage } from '../electron/engine/imaging/raw';
import { fixturePhoto, repoRoot } from '../electron/engine/testing/fixtures';

const outDir = path.join(repoRoot, 'bench', 'out', 'compose');
mkdirSync(outDir, { recursive: true });

async function save(name: string, img: RawImage): Promise<void> {
  const file = path.join(outDir, `${name}.png`);
  await sharp(img.data, { raw: { width: img.width, height: img.height, channels: img.channels } })
    .png()
    .toFile(file);
  console.log(`${file}  ${img.width}×${img.height}`);
}

const backgrounds = {
  transparent: 'transparent',
  white: 'white',
  linear: 'linear:#f7f3ee,#d9cfc4,180',
  radial: 'radial:#ffffff,#c9d3dc',
  blur: 'blur:12',
  image: `image:${fixturePhoto('plants-1')}`,
};

const reference = await readPicture(fixturePhoto('plants-1'), 'reference image');
const palette = await extractPalette(reference, 5);
console.log(
  'plants-1 palette:',
  palette.map((p) => `${JSON.stringify(p.color)} ${(p.share * 100).toFixed(0)}%`).join(', '),
);

for (const photo of ['car-1', 'cloth-1'] as const) {
  const started = Date.now();
  const { subject, original, mask } = await loadFixtureSubject(photo);
  const { width, height } = subject;
  for (const [name, text] of Object.entries(backgrounds)) {
    const bg = await renderBackground(parseBackground(text), width, height, original, mask);
    await save(`${photo}.bg-${name}`, composeOver(subject, bg));
  }
  const white = await renderBackground(parseBackground('white'), width, height);
  await save(
    `${photo}.shadow-in-place`,
    composeOver(subject, applyShadow(white, await renderShadow(mask, defaultShadow))),
  );
  await save(
    `${photo}.canvas-amazon`,
    await placeOnCanvas(subject, mask, CANVAS_PRESETS.amazon.canvas, CANVAS_PRESETS.amazon.background),
  );
  await save(
    `${photo}.canvas-square-shadow`,
    await placeOnCanvas(subject, mask, parseCanvas('square-2000'), parseBackground('white'), defaultShadow),
  );
  await save(
    `${photo}.canvas-hard-shadow`,
    await placeOnCanvas(
      subject,
      mask,
      parseCanvas('1200x1200@0.8,align=bottom'),
      parseBackground('#f2f2f2'),
      parseShadow('hard') ?? undefined,
    ),
  );
  await save(
    `${photo}.canvas-story-gradient`,
    await placeOnCanvas(
      subject,
      mask,
      parseCanvas('story'),
      parseBackground('linear:#fdfbfb,#ebedee,180'),
      defaultShadow,
    ),
  );
  await save(
    `${photo}.canvas-etsy-blur`,
    await placeOnCanvas(
      subject,
      mask,
      parseCanvas('etsy'),
      parseBackground('blur:30'),
      defaultShadow,
      original,
    ),
  );
  await save(`${photo}.ref-auto`, (await placeOnReference(subject, mask, reference)).image);
  await save(
    `${photo}.ref-center-harmonized`,
    (
      await placeOnReference(subject, mask, reference, {
        placement: 'center',
        harmonize: 0.6,
        width: 1200,
        height: 900,
      })
    ).image,
  );
  for (const style of ['sweep', 'gradient'] as const) {
    const backdrop = renderBackdrop(palette, 1200, 1200, style);
    await save(
      `${photo}.ref-backdrop-${style}`,
      (await placeOnReference(subject, mask, backdrop, { placement: 'center' })).image,
    );
  }
  console.log(`${photo}: ${Date.now() - started} ms`);
}
