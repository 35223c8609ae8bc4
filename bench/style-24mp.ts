/**
 * One 24 MP stylize in a fresh process (so peak RSS is this run's alone, not the sum of every
 * model session the main bench has cached): prints one JSON line with timings and peak RSS.
 * `node --import tsx bench/style-24mp.ts MODEL` — run by bench/style.ts for each shipped look.
 */
import { ModelRegistry } from '../electron/engine/models/registry';
import { ModelSessions } from '../electron/engine/models/sessions';
import { stylizeImage } from '../electron/engine/style';
import { fixtureRgb } from '../electron/engine/testing/style-images';

const model = process.argv[2] ?? 'anime-facepaint';
const sessions = new ModelSessions(new ModelRegistry());
const photo = await fixtureRgb('plants-1', 6000);
const r = await stylizeImage(photo, { model }, sessions);
console.log(
  JSON.stringify({
    model,
    width: photo.width,
    height: photo.height,
    tiles: r.tiles,
    processed: r.processedSize,
    ...r.timings,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);
await sessions.dispose();
