// The plain rembg-style u2netp pipeline (the speed yardstick), as ../shared/tools/plain-u2netp.mjs --rgba
// but writing a real RGBA PNG: there, sharp runs removeAlpha() after joinChannel() (its pipeline order is
// fixed), so the joined alpha was dropped and 3-channel PNGs came out. Decode, Lanczos to 320, ImageNet
// normalisation, infer, min-max, Lanczos back, RGBA PNG with sharp's default settings.
// usage: node bench/plain-u2netp.mjs MODEL IMG_DIR OUT_DIR
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
const require = createRequire(`${process.cwd()}/package.json`);
const sharp = require('sharp');
const ort = require('onnxruntime-node');

const [model, imgDir, outDir] = process.argv.slice(2);
fs.mkdirSync(outDir, { recursive: true });
const sess = await ort.InferenceSession.create(model, { intraOpNumThreads: 2 });
const S = 320,
  mean = [0.485, 0.456, 0.406],
  std = [0.229, 0.224, 0.225];
for (const f of fs.readdirSync(imgDir).sort()) {
  const src = sharp(path.join(imgDir, f), { limitInputPixels: false }).rotate();
  const meta = await src.metadata();
  const { data } = await src
    .clone()
    .removeAlpha()
    .toColourspace('srgb')
    .resize(S, S, { fit: 'fill', kernel: 'lanczos3' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  let max = 1e-6;
  for (const v of data) if (v > max) max = v;
  const x = new Float32Array(3 * S * S);
  for (let i = 0; i < S * S; i++)
    for (let c = 0; c < 3; c++) x[c * S * S + i] = (data[i * 3 + c] / max - mean[c]) / std[c];
  const out = await sess.run({ [sess.inputNames[0]]: new ort.Tensor('float32', x, [1, 3, S, S]) });
  const d = out[sess.outputNames[0]].data;
  let lo = Infinity,
    hi = -Infinity;
  for (const v of d) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const m = Buffer.alloc(S * S);
  for (let i = 0; i < S * S; i++) m[i] = Math.round(((d[i] - lo) / (hi - lo || 1)) * 255);
  const w = meta.autoOrient?.width ?? meta.width,
    h = meta.autoOrient?.height ?? meta.height;
  const alpha = await sharp(m, { raw: { width: S, height: S, channels: 1 } })
    .resize(w, h, { fit: 'fill', kernel: 'lanczos3' })
    .raw()
    .toBuffer();
  const rgb = await src.clone().removeAlpha().toColourspace('srgb').raw().toBuffer();
  await sharp(rgb, { raw: { width: w, height: h, channels: 3 }, limitInputPixels: false })
    .joinChannel(alpha, { raw: { width: w, height: h, channels: 1 } })
    .png()
    .toFile(path.join(outDir, path.parse(f).name + '.png'));
}
