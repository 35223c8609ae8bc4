/// <reference lib="dom" />
/**
 * The designer's day (issue 19), in Chromium through `atelier serve` with the real engine and models:
 * drop A → cut out → recolour → Save; drop B — B opens — → recolour → Save: B's file has B's colour,
 * A's stays A's (and saving A again makes no new version); ↑/↓ walk the queue and the panel follows;
 * stylize A's cut-out subject → a result named after the look; an image background picked with the
 * file chooser shows in the live preview; painting while the original is shown is refused with a
 * hint. Screenshots in light and dark go to e2e/screenshots/.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { previewPixel } from './preview-pixel';
import { screenshot } from './screenshots';

const near = (a: number[], b: number[], tolerance = 6) => b.every((v, i) => Math.abs(a[i]! - v) <= tolerance);

/** RGBA of a saved file at a fraction (fx, fy) of its size. */
async function filePixel(file: string, fx: number, fy: number): Promise<number[]> {
  const { data, info } = await sharp(file).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const i = (Math.floor(info.height * fy) * info.width + Math.floor(info.width * fx)) * 4;
  return [...data.subarray(i, i + 4)];
}

async function save(page: Page): Promise<{ name: string; file: string }> {
  const download = page.waitForEvent('download');
  await page.getByTestId('save').click();
  const d = await download;
  return { name: d.suggestedFilename(), file: await d.path() };
}

const done = (page: Page) => page.locator('[data-testid="queue-item"][data-status="done"]');

test.describe.configure({ mode: 'serial' });

test("a designer's day: two photos, a chain, a picked background, an honest brush", async ({
  page,
  state,
}) => {
  test.setTimeout(300_000);
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.goto(state.appUrl);
  await page.getByRole('button', { name: 'Studio' }).click();
  await page.getByRole('tab', { name: 'Cut out' }).click();
  const [photoA, photoB] = [state.photos[0]!, state.photos[1]!];
  const [nameA, nameB] = [path.basename(photoA), path.basename(photoB)];

  // A: drop, cut out, recolour blue, Save.
  await page.getByTestId('file-input').setInputFiles([photoA]);
  await expect(page.getByTestId('result-title')).toContainText(nameA, { timeout: 90_000 });
  await page.getByTestId('background-kind').selectOption('color');
  await page.getByTestId('background-color').fill('#2040c0');
  await expect(page.getByTestId('cost-line')).toContainText('free');
  const savedA = await save(page);
  expect(savedA.name).toBe(nameA.replace(/\.jpg$/, '.png'));
  expect(near(await filePixel(savedA.file, 0.02, 0.02), [32, 64, 192, 255])).toBe(true);
  await screenshot(page, '40-day-a-saved');
  // The compare slider sits below the image, not over it; the viewer's height is noted to compare
  // once the queue is longer.
  const frame = (await page.locator('.viewer-frame').boundingBox())!;
  const slider = (await page.getByTestId('compare-slider').boundingBox())!;
  expect(slider.y).toBeGreaterThanOrEqual(frame.y + frame.height - 1);
  const heights = () =>
    page.evaluate(() =>
      [...document.querySelectorAll('.studio-main > *')].map(
        (e) => `${e.className.split(' ')[0]}:${Math.round(e.getBoundingClientRect().height)}`,
      ),
    );
  const viewerHeight = (await page.getByTestId('viewer').boundingBox())!.height;
  console.log('studio column with one photo:', await heights());

  // B: drop — B opens at once (its progress, then its result), never A.
  await page.getByTestId('file-input').setInputFiles([photoB]);
  await expect(page.getByTestId('result-actions')).toBeHidden();
  await expect(page.getByTestId('viewer')).toHaveAttribute('data-opening', nameB);
  await expect(page.getByTestId('result-title')).toContainText(nameB, { timeout: 90_000 });
  await expect(done(page)).toHaveCount(2);
  await page.getByTestId('background-color').fill('#c02020');
  const savedB = await save(page);
  expect(savedB.name).toBe(nameB.replace(/\.jpg$/, '.png'));
  expect(near(await filePixel(savedB.file, 0.02, 0.02), [192, 32, 32, 255])).toBe(true);
  await screenshot(page, '41-day-b-saved');

  // ↓ goes back to A: the panel shows A's own colour, and A's result is still blue. Saving it again
  // writes the version shown — no new version.
  await page.locator('body').press('ArrowDown');
  await expect(page.getByTestId('result-title')).toContainText(nameA);
  await expect(page.getByTestId('background-color')).toHaveValue('#2040c0');
  await expect(page.getByTestId('result-kind')).toContainText('2 versions');
  const againA = await save(page);
  expect(near(await filePixel(againA.file, 0.02, 0.02), [32, 64, 192, 255])).toBe(true);
  await expect(page.getByTestId('result-kind')).toContainText('2 versions');
  await page.locator('body').press('ArrowUp');
  await expect(page.getByTestId('result-title')).toContainText(nameB);
  await page.locator('body').press('ArrowDown');
  await expect(page.getByTestId('result-title')).toContainText(nameA);

  // Stylize A's cut-out, subject only: a chain with the stylize's own settings, named after the look.
  await page.getByRole('tab', { name: 'Stylize' }).click();
  const look = page.getByRole('radio').and(page.locator(':not([disabled])')).first();
  const lookName = ((await look.locator('.look-name').textContent()) ?? '').trim();
  await look.click();
  await page.getByLabel('Apply to').selectOption('subject');
  await page.getByLabel('Detail').selectOption('768');
  await expect(page.getByTestId('cost-line')).toContainText('makes a new result');
  await page.getByTestId('chain').click();
  await expect(page.getByTestId('result-kind')).toContainText(`${lookName} look`, { timeout: 120_000 });
  await expect(page.getByTestId('result-title')).toContainText(nameA.replace(/\.jpg$/, ''));
  await expect(page.getByTestId('queue-kind').first()).toContainText(`${lookName} look`);
  await expect(page.getByTestId('notice')).toHaveCount(0);
  await screenshot(page, '42-day-stylized-chain');
  // Three rows in the queue now: the viewer kept its size (the queue scrolls instead).
  console.log('studio column with three rows:', await heights());
  expect(Math.abs((await page.getByTestId('viewer').boundingBox())!.height - viewerHeight)).toBeLessThan(2);

  // An image background picked with the file chooser: the live preview shows the real picture.
  const pictures = mkdtempSync(path.join(os.tmpdir(), 'atelier-pictures-'));
  const meadow = path.join(pictures, 'meadow.png');
  await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 30, g: 170, b: 60 } } })
    .png()
    .toFile(meadow);
  await page.getByRole('tab', { name: 'Cut out' }).click();
  await page
    .getByTestId('queue-item')
    .filter({ hasText: nameA })
    .filter({ hasNotText: 'look' })
    .locator('.queue-item-button')
    .click();
  await expect(page.getByTestId('result-title')).toContainText(nameA);
  await page.getByTestId('background-kind').selectOption('image');
  const chooser = page.waitForEvent('filechooser');
  await page.getByTestId('background-picture').getByRole('button', { name: 'Choose…' }).click();
  await (await chooser).setFiles(meadow);
  await expect(page.getByTestId('background-picture')).toContainText('meadow.png');
  await expect(page.getByTestId('picture-thumb')).toBeVisible();
  await expect.poll(() => previewPixel(page, 0.02, 0.02).then((p) => near(p, [30, 170, 60, 255]))).toBe(true);
  await screenshot(page, '43-day-image-background');
  const onMeadow = await save(page);
  expect(near(await filePixel(onMeadow.file, 0.02, 0.02), [30, 170, 60, 255])).toBe(true);

  // Painting while the original is shown is refused, with a hint, and nothing is painted.
  // The saved version reopens in the editor: the brush is chosen once it is ready again.
  const erase = page.getByRole('button', { name: 'Erase', exact: true });
  await expect(async () => {
    await erase.click();
    await expect(erase).toHaveAttribute('aria-pressed', 'true', { timeout: 1000 });
  }).toPass();
  await page.locator('body').press('b');
  await expect(page.getByRole('button', { name: 'Before', exact: true })).toHaveAttribute(
    'aria-pressed',
    'true',
  );
  const box = (await page.getByTestId('viewer-result').boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.5);
  await page.mouse.up();
  await expect(page.getByTestId('paint-refused')).toBeVisible();
  await expect(page.getByTestId('apply')).toBeDisabled();
  await screenshot(page, '44-day-paint-refused');

  // Settings and Privacy are full-width pages: their scroll bar is at the window's edge, not mid-screen.
  for (const [view, shot] of [
    ['Settings', '45-day-settings'],
    ['Privacy', '46-day-privacy'],
  ] as const) {
    await page.getByRole('button', { name: view, exact: true }).click();
    const pageBox = (await page.locator('.content > .page').boundingBox())!;
    const content = (await page.locator('.content').boundingBox())!;
    expect(pageBox.width).toBeGreaterThan(content.width - 2);
    await screenshot(page, shot);
  }
});
