/**
 * `npm run bench`: every benchmark, one after the other, printing figures (never pass/fail: targets are
 * read by people). `npm run bench -- cutout style` runs only those.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

const suites: { name: string; file: string; fn: string }[] = [
  { name: 'cutout', file: 'cutout.ts', fn: 'benchCutout' },
  { name: 'rerender', file: 'rerender.ts', fn: 'benchRerender' },
  { name: 'preview', file: 'preview.ts', fn: 'benchPreview' },
  { name: 'preview-browser', file: 'preview-browser.ts', fn: 'benchPreviewBrowser' },
  { name: 'style', file: 'style.ts', fn: 'benchStyle' },
  { name: 'history', file: 'history.ts', fn: 'benchHistory' },
  { name: 'batch', file: 'batch.ts', fn: 'benchBatch' },
  { name: 'responsiveness', file: 'responsiveness.ts', fn: 'benchResponsiveness' },
  { name: 'server', file: '../server/bench/load.ts', fn: 'benchServer' },
];

const wanted = process.argv.slice(2);
for (const suite of suites) {
  if (wanted.length && !wanted.includes(suite.name)) continue;
  const file = path.join(here, suite.file);
  if (!existsSync(file)) {
    console.log(`\n== ${suite.name}: no benchmark file (${suite.file})`);
    continue;
  }
  console.log(`\n== ${suite.name}`);
  const mod = (await import(file)) as Record<string, unknown>;
  const fn = mod[suite.fn];
  if (typeof fn !== 'function') throw new Error(`${suite.file} does not export ${suite.fn}()`);
  await (fn as () => Promise<void>)();
}
