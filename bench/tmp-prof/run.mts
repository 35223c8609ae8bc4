import path from 'node:path';
import sharp from 'sharp';
import { Engine } from '/work/h-workers/electron/engine/engine';
const dir = '/tmp/prof/work';
const engine = await Engine.open({
  profileDir: path.join(dir, 'profile-' + Date.now()),
  provider: 'cpu',
  billing: 'none',
  maxPixels: 200e6,
});
const src = '/work/shared/fixtures/rembg/images/cloth-1.jpg';
const meta = await sharp(src).metadata();
const files: string[] = [];
for (const mp of [12, 24]) {
  const s = Math.sqrt((mp * 1e6) / (meta.width! * meta.height!));
  const f = `${dir}/c${mp}.jpg`;
  await sharp(src, { limitInputPixels: false })
    .resize(Math.round(meta.width! * s), Math.round(meta.height! * s))
    .jpeg({ quality: 92 })
    .toFile(f);
  files.push(f);
}
let t = performance.now();
const r = await engine.generate('cutout', {}, files[1]!, `${dir}/out24.png`);
console.log('cut 24', r.status, performance.now() - t, JSON.stringify(r.timings));
const id = engine.store.history({ limit: 1 }).items[0]!.id;
t = performance.now();
const rr = await engine.editor.render(id, { background: '#3366cc' });
console.log('render', performance.now() - t, JSON.stringify(rr.row.timings));
await engine.close();
