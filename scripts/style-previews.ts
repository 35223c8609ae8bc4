/**
 * `npx tsx scripts/style-previews.ts`: renders the small preview of every shipped look that the
 * Stylize picker shows, once, from one sample photo (a head-and-shoulders crop of rembg's MIT-licensed
 * cloth-1 fixture, so faces and fabric both show the look). Run it again after adding or changing a
 * style model; the WebP files are committed (a few KB each) so the app never renders them at start-up.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { ModelRegistry, defaultModelsDir } from '../electron/engine/models/registry';
import { ModelSessions } from '../electron/engine/models/sessions';
import { stylizeImage } from '../electron/engine/style';

const SAMPLE = path.resolve(import.meta.dirname, '../../shared/fixtures/rembg/images/cloth-1.jpg');
const OUT = path.resolve(import.meta.dirname, '../renderer/src/assets/looks');
const SIZE = 160;

const registry = new ModelRegistry(defaultModelsDir());
const sessions = new ModelSessions(registry);
const { data, info } = await sharp(SAMPLE)
  .extract({ left: 200, top: 10, width: 340, height: 340 })
  .resize(2 * SIZE, 2 * SIZE)
  .removeAlpha()
  .raw()
  .toBuffer({ resolveWithObject: true });
const sample = { data, width: info.width, height: info.height, channels: 3 as const };
mkdirSync(OUT, { recursive: true });
for (const { entry } of registry.listForUsers(false).filter((m) => m.entry.task === 'style')) {
  const result = await stylizeImage(sample, { model: entry.id, provider: 'cpu' }, sessions);
  const file = path.join(OUT, `${entry.id}.webp`);
  await sharp(result.image.data, { raw: { width: sample.width, height: sample.height, channels: 3 } })
    .resize(SIZE, SIZE)
    .webp({ quality: 80 })
    .toFile(file);
  console.log(`${entry.id} → ${path.relative(process.cwd(), file)}`);
}
