/**
 * `npx tsx scripts/style-gallery.ts [processingSize, default 2048]`: side-by-side pictures (original | each installed
 * style look) for every fixture photo, written to bench/out/style/ (git-ignored), plus a full-size
 * crop of the default look to judge the detail restored at full resolution. For people to look at.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import type { RawImage } from '../electron/engine/imaging/raw';
import { ModelRegistry } from '../electron/engine/models/registry';
import { ModelSessions } from '../electron/engine/models/sessions';
import { DEFAULT_PROCESSING_SIZE, stylizeImage } from '../electron/engine/style';
import { FIXTURE_PHOTOS, fixturePhoto, repoRoot } from '../electron/engine/testing/fixtures';

const PANEL_HEIGHT = 400;
const outDir = path.join(repoRoot, 'bench', 'out', 'style');

async function loadPhoto(file: string): Promise<RawImage> {
  const { data, info } = await sharp(file).rotate().removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: 3 };
}

function panel(img: RawImage): Promise<Buffer> {
  return sharp(img.data, { raw: { width: img.width, height: img.height, channels: img.channels } })
    .resize({ height: PANEL_HEIGHT })
    .png()
    .toBuffer();
}

export async function buildGallery(processingSize: number): Promise<string[]> {
  mkdirSync(outDir, { recursive: true });
  const registry = new ModelRegistry();
  const models = registry
    .list('style')
    .filter((m) => registry.isInstalled(m.entry.id))
    .map((m) => m.entry.id);
  const sessions = new ModelSessions(registry);
  const written: string[] = [];
  for (const photo of FIXTURE_PHOTOS) {
    const original = await loadPhoto(fixturePhoto(photo));
    const panels = [await panel(original)];
    for (const model of models) {
      const result = await stylizeImage(original, { model, processingSize }, sessions);
      console.log(
        `${photo} ${original.width}×${original.height} ${model}: ${result.tiles} tiles, ${Math.round(result.timings.totalMs)} ms`,
      );
      panels.push(await panel(result.image));
      if (model === models[0]) {
        // A 1:1 crop from the centre shows whether full-resolution detail survived.
        const crop = path.join(outDir, `${photo}.${model}.crop.png`);
        const size = Math.min(512, original.width, original.height);
        const left = Math.floor((original.width - size) / 2);
        const top = Math.floor((original.height - size) / 3);
        await sharp(result.image.data, {
          raw: { width: original.width, height: original.height, channels: 3 },
        })
          .extract({ left, top, width: size, height: size })
          .png()
          .toFile(crop);
        written.push(crop);
      }
    }
    const widths = await Promise.all(panels.map(async (p) => (await sharp(p).metadata()).width ?? 0));
    const total = widths.reduce((a, b) => a + b, 0);
    let left = 0;
    const file = path.join(outDir, `${photo}.p${processingSize}.png`);
    await sharp({ create: { width: total, height: PANEL_HEIGHT, channels: 3, background: '#ffffff' } })
      .composite(
        panels.map((input, i) => {
          const at = left;
          left += widths[i]!;
          return { input, left: at, top: 0 };
        }),
      )
      .png({ compressionLevel: 6 })
      .toFile(file);
    written.push(file);
  }
  await sessions.dispose();
  console.log(`models: ${models.join(' | ')}`);
  return written;
}

const size = Number(process.argv[2] ?? DEFAULT_PROCESSING_SIZE);
for (const file of await buildGallery(size)) console.log(file);
