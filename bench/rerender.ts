/**
 * Re-render from a stored mask vs a full cut-out, at about 1, 12 and 24 MP (a fixture photo upscaled),
 * each size in its own child process on a fresh profile (SQLite on disk, billing off). Prints the full
 * cut-out (model run, recorded with its mask), the photo's first render (a blurred background, the item
 * opened in the editor a second before, as the app does), a re-render with a new background (no model
 * run) and its stages, and saving brush strokes (plain and edge-aware) at full resolution. Run alone:
 * `npx tsx bench/rerender.ts`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const SIZES_MP = [1, 12, 24];
const here = fileURLToPath(import.meta.url);

async function measureOne(file: string, dir: string): Promise<void> {
  const { Engine } = await import('../electron/engine/engine');
  const engine = await Engine.open({
    profileDir: path.join(dir, 'profile'),
    provider: 'cpu',
    billing: 'none',
    maxPixels: 200_000_000,
  });
  try {
    // Warm the session so start-up is not counted in the cut-out.
    await engine.sessions.load('u2netp', 'cpu');
    let t = performance.now();
    const cut = await engine.generate('cutout', {}, file, path.join(dir, 'cut.png'));
    const cutMs = performance.now() - t;
    if (cut.status !== 'done') throw new Error(JSON.stringify(cut.error));
    const id = engine.store.history({ limit: 1 }).items[0]!.id;
    // The photo's first render as the app makes it: opening the item in the editor (edit.source)
    // prepares its render ahead (photo, mask, subject layer) while the designer chooses (a second
    // here), then Apply.
    engine.editor.source(id);
    engine.editor.prepareAhead(id);
    await new Promise((r) => setTimeout(r, 1000));
    t = performance.now();
    const first = await engine.editor.render(id, { background: { type: 'blur', radius: 24 } });
    const firstMs = performance.now() - t;
    const f = first.row.timings;
    const renders: number[] = [];
    let stages = '';
    for (const colour of ['#ff0000', '#00ff00', '#0000ff']) {
      t = performance.now();
      const r = await engine.editor.render(id, { background: colour });
      renders.push(performance.now() - t);
      const s = r.row.timings;
      stages = `decode ${s.decode} · mask ${s.mask} · compose and encode ${s.compose}`;
    }
    const source = engine.editor.source(id);
    const { width, height } = source;
    const line = (n: number): [number, number][] =>
      Array.from({ length: n }, (_, i) => [
        width * (0.2 + (0.6 * i) / n),
        height * (0.5 + 0.1 * Math.sin(i / 10)),
      ]);
    const size = Math.max(20, Math.round(Math.max(width, height) / 40));
    t = performance.now();
    await engine.editor.setStrokes(id, [
      { mode: 'erase', edgeAware: false, size, hardness: 0.8, points: line(200) },
    ]);
    const plain = performance.now() - t;
    t = performance.now();
    await engine.editor.setStrokes(id, [
      { mode: 'erase', edgeAware: true, size, hardness: 0.8, points: line(200) },
    ]);
    const edge = performance.now() - t;
    renders.sort((a, b) => a - b);
    const median = renders[1]!;
    const mp = (width * height) / 1e6;
    const peak = process.resourceUsage().maxRSS / 1024;
    console.log(
      `${mp.toFixed(1).padStart(5)} MP  full cut-out ${Math.round(cutMs)} ms | first render, blurred, opened in the editor 1 s before: ${Math.round(firstMs)} ms (decode ${f.decode} · mask ${f.mask} · compose and encode ${f.compose} ms) | re-render ${Math.round(median)} ms (median of 3; ${stages} ms) = ${(cutMs / median).toFixed(1)}× faster, no model run | strokes: plain ${Math.round(plain)} ms, edge-aware ${Math.round(edge)} ms (${size} px brush across 60 % of the width) | peak RSS ${Math.round(peak)} MB`,
    );
  } finally {
    await engine.close();
  }
}

export async function benchRerender(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'atelier-bench-rerender-'));
  try {
    const source = path.resolve(
      path.dirname(here),
      '..',
      '..',
      'shared',
      'fixtures',
      'rembg',
      'images',
      'cloth-1.jpg',
    );
    const meta = await sharp(source).metadata();
    console.log(
      're-render from the stored mask vs a full cut-out (u2netp, CPU, PNG out), one process per size:',
    );
    for (const mp of SIZES_MP) {
      const scale = Math.sqrt((mp * 1e6) / (meta.width! * meta.height!));
      const file = path.join(dir, `cloth-${mp}mp.jpg`);
      await sharp(source, { limitInputPixels: false })
        .resize(Math.round(meta.width! * scale), Math.round(meta.height! * scale), { kernel: 'lanczos3' })
        .jpeg({ quality: 92 })
        .toFile(file);
      const work = mkdtempSync(path.join(dir, `run-${mp}-`));
      process.stdout.write(
        execFileSync(process.execPath, ['--import', 'tsx', here, '--one', file, work], { encoding: 'utf8' }),
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const oneIndex = process.argv.indexOf('--one');
if (oneIndex > 0) await measureOne(process.argv[oneIndex + 1]!, process.argv[oneIndex + 2]!);
else if (process.argv[1] === here) await benchRerender();
