/**
 * Style engine speed: for each installed style model and a few processing sizes, the time to restyle
 * a full-size photo, as ms per megapixel of output and of processing area, with tiles and provider.
 * Figures for people (no pass/fail). Alone: `npx tsx bench/style.ts`; with the rest: `npm run bench style`.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ModelRegistry } from '../electron/engine/models/registry';
import { ModelSessions } from '../electron/engine/models/sessions';
import { stylizeImage } from '../electron/engine/style';
import { fixtureRgb } from '../electron/engine/testing/style-images';

const PROCESSING_SIZES = [512, 1024, 1536];
const here = path.dirname(fileURLToPath(import.meta.url));
const RUNS = 2;

export async function benchStyle(): Promise<void> {
  const registry = new ModelRegistry();
  const sessions = new ModelSessions(registry);
  // plants-1 at 2000 px long side (~2.7 MP): a typical camera-export size, upscaled from the fixture.
  const photo = await fixtureRgb('plants-1', 2000);
  const megapixels = (photo.width * photo.height) / 1e6;
  console.log(`photo ${photo.width}×${photo.height} (${megapixels.toFixed(2)} MP), best of ${RUNS} runs`);
  console.log('model              size  tiles  total ms  ms/MP out  ms/MP processed  inference ms  provider');
  for (const { entry } of registry.listForUsers(true).filter((m) => m.entry.task === 'style')) {
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
  await sessions.dispose();
  // 24 MP camera photos with each shipped look at its defaults, each in a fresh process: the target
  // is 1.5 GB peak RSS for the whole stylize (decode of the fixture included).
  for (const { entry } of registry.listForUsers(false).filter((m) => m.entry.task === 'style')) {
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', path.join(here, 'style-24mp.ts'), entry.id],
      {
        encoding: 'utf8',
      },
    );
    const line = child.stdout.trim().split('\n').pop() ?? '';
    if (child.status !== 0 || !line.startsWith('{')) {
      console.log(`24 MP ${entry.id}: failed (${child.stderr.trim().split('\n').pop() ?? child.status})`);
      continue;
    }
    const r = JSON.parse(line) as Record<string, number> & { processed: { width: number; height: number } };
    console.log(
      `${r.width}×${r.height} ${entry.id.padEnd(16)} @${Math.max(r.processed.width, r.processed.height)}: ` +
        `total ${r.totalMs!.toFixed(0)} ms (${(r.totalMs! / ((r.width! * r.height!) / 1e6)).toFixed(0)} ms/MP out; ` +
        `model ${r.modelMs!.toFixed(0)}, full-res + blend ${r.finishMs!.toFixed(0)}), ${r.tiles} tiles, ` +
        `peak RSS ${r.peakRssMb} MB`,
    );
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await benchStyle();
}
