/**
 * `npm run bench -- preview-browser`. The preview's latency where designers meet it: in Chromium,
 * through the editor's Web Worker (the Vite bundle of renderer/src/editor/preview-worker.ts), on a
 * 24 MP photo opened in the editor at its 1600 px display copy. Each change is made through the
 * editor's own controls; the figure is the viewer's `data-compose-ms`: from the change's request to
 * the composed frame back on the page (transfer both ways included), the full-size one after any
 * draft. `npm run bench -- preview` measures the same compositing code in Node, recipe by recipe.
 *
 * Needs the built app (`npm run build`, or the e2e run's build) and Chromium (CHROMIUM_PATH, or
 * Debian's /usr/bin/chromium). Starts its own `atelier serve` on a fresh profile; the one cut-out
 * is a free run of the day's quota.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Locator, type Page } from '@playwright/test';
import sharp from 'sharp';
import { root, startServe, stop } from '../e2e/browser/processes';
import { fixturePhoto } from '../electron/engine/testing/fixtures';

/** The budget of issue 20 for every recipe at 1600 px. */
const BUDGET_MS = 100;
const RUNS = 5;

/** Sets a range or colour input's value as a person would (React listens to the input event). */
async function setValue(input: Locator, value: string): Promise<void> {
  await input.evaluate((el: HTMLInputElement, v) => {
    const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
    setter.call(el, v);
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, value);
}

/**
 * Makes a change, then waits for the viewer's frames to settle (a slow recipe shows a half-size
 * draft first and its full frame after 150 ms of quiet) and returns the last frame's
 * request-to-frame time.
 */
async function timed(page: Page, change: () => Promise<void>): Promise<number> {
  const frame = page.getByTestId('viewer-result');
  const before = await frame.getAttribute('data-version');
  await change();
  let last = before;
  let steady = 0;
  // Settled: a new frame came, and no other for 600 ms.
  for (let waited = 0; waited < 15_000 && steady < 600; waited += 50) {
    await page.waitForTimeout(50);
    const now = await frame.getAttribute('data-version');
    steady = now !== before && now === last ? steady + 50 : 0;
    last = now;
  }
  if (last === before) throw new Error('the preview did not change');
  return Number(await page.getByTestId('viewer').getAttribute('data-compose-ms'));
}

export async function benchPreviewBrowser(): Promise<void> {
  if (
    !existsSync(path.join(root, 'dist', 'renderer', 'index.html')) ||
    !existsSync(path.join(root, 'dist', 'cli.cjs'))
  ) {
    console.log(
      'skipped: the app is not built here (npm run build), so there is nothing to open in Chromium',
    );
    return;
  }
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    console.log(`skipped: no Chromium at ${executablePath} (set CHROMIUM_PATH)`);
    return;
  }
  const work = mkdtempSync(path.join(os.tmpdir(), 'atelier-bench-preview-'));
  const photo = path.join(work, 'car-24mp.jpg');
  await sharp(fixturePhoto('car-1')).resize(6000, 4000, { fit: 'fill' }).jpeg({ quality: 90 }).toFile(photo);
  const serve = await startServe(path.join(work, 'app'));
  const browser = await chromium.launch({ executablePath });
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await page.goto(serve.appUrl);
    await page.getByTestId('file-input').setInputFiles([photo]);
    await page.locator('[data-testid="queue-item"][data-status="done"]').waitFor({ timeout: 180_000 });
    await page.locator('[data-testid="viewer"][data-mode="preview"]').waitFor({ timeout: 60_000 });
    const size = await page
      .getByTestId('viewer-result')
      .evaluate((c: HTMLCanvasElement) => `${c.width}×${c.height}`);
    console.log(
      `24 MP photo (6000×4000), preview ${size} in Chromium's Web Worker; ${RUNS} changes each, median:`,
    );

    const background = page.getByRole('combobox', { name: 'Background', exact: true });
    const canvas = page.getByRole('combobox', { name: 'Canvas', exact: true });
    const shadow = page.getByTestId('shadow');
    const colour = page.getByLabel('Colour', { exact: true });
    const colours = ['#ff0000', '#00a050', '#2040c0', '#c0a020', '#603090', '#10c0c0'];
    const newColour = (i: number) => setValue(colour, colours[i]!);
    const cases: [string, () => Promise<unknown>, (i: number) => Promise<void>][] = [
      ['colour', () => background.selectOption('color'), newColour],
      [
        'blurred photo (new radius)',
        () => background.selectOption('blur'),
        (i) => setValue(page.getByLabel(/^Blur radius/), String(24 + i)),
      ],
      [
        'colour + shadow (new colour)',
        () => background.selectOption('color').then(() => shadow.check()),
        newColour,
      ],
      ['amazon canvas + shadow (new colour)', () => canvas.selectOption('amazon'), newColour],
      [
        'hard edges + feather (new feather)',
        async () => {
          await canvas.selectOption('');
          await shadow.uncheck();
          await page.getByTestId('edges').selectOption('hard');
        },
        (i) => setValue(page.getByLabel(/^Feather/), String(2 + i)),
      ],
    ];
    const over: string[] = [];
    for (const [name, setUp, change] of cases) {
      await timed(page, async () => void (await setUp()));
      await timed(page, () => change(RUNS)); // warm-up, not counted
      const runs: number[] = [];
      for (let i = 0; i < RUNS; i++) runs.push(await timed(page, () => change(i)));
      runs.sort((a, b) => a - b);
      const median = runs[Math.floor(RUNS / 2)]!;
      if (median > BUDGET_MS) over.push(name);
      console.log(
        `  ${name}: median ${median.toFixed(0)} ms (min ${runs[0]!.toFixed(0)}, max ${runs[RUNS - 1]!.toFixed(0)})`,
      );
    }
    console.log(
      over.length === 0 ? `every change within ${BUDGET_MS} ms` : `over ${BUDGET_MS} ms: ${over.join(', ')}`,
    );
  } finally {
    await browser.close();
    await stop(serve.child);
    rmSync(work, { recursive: true, force: true });
  }
}
