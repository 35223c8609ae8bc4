/**
 * Style engine speed: for each installed style model and a few processing sizes, the time to restyle
 * a full-size photo, as ms per megapixel of output and of processing area, with tiles and provider.
 * Figures for people (no pass/fail). Alone: `npx tsx bench/style.ts`; with the rest: `npm run bench style`.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ModelRegistry } from '../electron/engine/models/registry';
import { ModelSessions } from '../electron/engine/models/sessions';
import { stylizeImage } from '../electron/engine/style';
import { fixtureRgb } from '../electron/engine/testing/style-images';

const PROCESSING_SIZES = [512, 1024, 1536];
const RUNS = 2;

export async function benchStyle(): Promise<void> {
  const registry = new ModelRegistry();
  const sessions = new ModelSessions(registry);
  // plants-1 at 2000 px long side (~2.7 MP): a typical camera-export size, upscaled from the fixture.
  const photo = await fixtureRgb('plants-1', 2000);
  const megapixels = (photo.width * photo.height) / 1e6;
  console.log(`photo ${photo.width}×${photo.height} (${megapixels.toFixed(2)} MP), best of ${RUNS} runs`);
  console.log('model              size  tiles  total ms  ms/MP out  ms/MP processed  inference ms  provider');
  for (const { entry } of registry.list('style')) {
    if (!registry.isInstalled(entry.id)) {
      console.log(`${entry.id.padEnd(18)} not installed (npm run models -- --dev)`);
      continue;
    }
    await stylizeImage(photo, { model: entry.id, processingSize: 256 }, sessions); // load + warm up
    for (const processingSize of PROCESSING_SIZES) {
      let best = Infinity;
      let bestInference = 0;
      let tiles = 0;
      let processedMp = 0;
      let provider = '';
      for (let run = 0; run < RUNS; run++) {
        const r = await stylizeImage(photo, { model: entry.id, processingSize }, sessions);
        if (r.timings.totalMs < best) {
          best = r.timings.totalMs;
          bestInference = r.timings.inferenceMs;
        }
        tiles = r.tiles;
        processedMp = (r.processedSize.width * r.processedSize.height) / 1e6;
        provider = r.provider.used;
      }
      console.log(
        [
          entry.id.padEnd(18),
          String(processingSize).padStart(5),
          String(tiles).padStart(6),
          best.toFixed(0).padStart(9),
          (best / megapixels).toFixed(0).padStart(10),
          (best / processedMp).toFixed(0).padStart(16),
          bestInference.toFixed(0).padStart(13),
          ` ${provider}`,
        ].join(' '),
      );
    }
  }
  // A 24 MP camera photo with the default model: the full-resolution path (upscale + detail) dominates.
  const big = await fixtureRgb('plants-1', 6000);
  for (const processingSize of [1024, 2048]) {
    const r = await stylizeImage(big, { processingSize }, sessions);
    const t = r.timings;
    console.log(
      `${big.width}×${big.height} anime-facepaint @${processingSize}: total ${t.totalMs.toFixed(0)} ms ` +
        `(prepare ${t.prepareMs.toFixed(0)}, model ${t.modelMs.toFixed(0)} of which inference ${t.inferenceMs.toFixed(0)}, ` +
        `full-res + blend ${t.finishMs.toFixed(0)}), ${r.tiles} tiles, rss ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`,
    );
  }
  await sessions.dispose();
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await benchStyle();
}
