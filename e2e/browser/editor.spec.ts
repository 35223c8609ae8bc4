/// <reference lib="dom" />
/**
 * The editor in Chromium through `atelier serve`, with the real engine and model: drop a photo → cut
 * out → change the background colour three times and watch the viewer's canvas change (composed in
 * the renderer: no new queue item, no token or free generation spent) → erase a region with the
 * brush, undo, redo → Fit / 100 % and the backdrops. Screenshots in light and dark.
 */
import { type Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { previewPixel as pixel } from './preview-pixel';
import { screenshot } from './screenshots';

const near = (a: number[], b: number[], tolerance = 6) =>
  a.slice(0, 3).every((v, i) => Math.abs(v - b[i]!) <= tolerance);

async function freeLeft(page: Page): Promise<number> {
  await page.getByRole('button', { name: 'Account' }).click();
  const left = Number(/\d+/.exec((await page.getByTestId('quota').textContent()) ?? '')?.[0]);
  await page.getByRole('button', { name: 'Studio' }).click();
  return left;
}

/** Sets the colour input through React's onChange and times how long until the canvas is redrawn. */
async function timedColour(page: Page, hex: string): Promise<number> {
  const input = page.getByLabel('Colour', { exact: true });
  return input.evaluate(async (el: HTMLInputElement, value) => {
    const canvas = document.querySelector('[data-testid="viewer-result"]')!;
    const before = canvas.getAttribute('data-version');
    const t = performance.now();
    const changed = new Promise<void>((resolve) => {
      const observer = new MutationObserver(() => {
        if (canvas.getAttribute('data-version') !== before) {
          observer.disconnect();
          resolve();
        }
      });
      observer.observe(canvas, { attributes: true });
    });
    const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
    setter.call(el, value);
    el.dispatchEvent(new Event('input', { bubbles: true }));
    await changed;
    // Until the frame with the new pixels is presented.
    await new Promise((r) => requestAnimationFrame(() => r(null)));
    return performance.now() - t;
  }, hex);
}

test('cut out once, recolour live, touch up with the brush, undo and redo', async ({ page, state }) => {
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.goto(state.appUrl);
  const quotaBefore = await freeLeft(page);

  await page.getByTestId('file-input').setInputFiles([state.photos[0]!]);
  await expect(page.locator('[data-testid="queue-item"][data-status="done"]')).toHaveCount(1, {
    timeout: 90_000,
  });
  const viewer = page.getByTestId('viewer');
  await expect(viewer).toHaveAttribute('data-mode', 'preview', { timeout: 30_000 });
  await expect(page.getByTestId('zoom-fit')).toHaveClass(/active/);

  // Three background colours: the preview's background pixel follows each one.
  await page.getByRole('combobox', { name: 'Background', exact: true }).selectOption('color');
  const timings: number[] = [];
  for (const [hex, rgb] of [
    ['#ff0000', [255, 0, 0]],
    ['#00a050', [0, 160, 80]],
    ['#2040c0', [32, 64, 192]],
  ] as const) {
    timings.push(await timedColour(page, hex));
    await expect.poll(() => pixel(page, 0.02, 0.02).then((p) => near(p, [...rgb]))).toBe(true);
  }
  console.log(`preview latency of a colour change (ms): ${timings.map((t) => t.toFixed(0)).join(', ')}`);
  console.log(`compose time of the last change: ${await viewer.getAttribute('data-compose-ms')} ms`);
  expect(Math.min(...timings)).toBeLessThan(250);
  await expect(page.getByTestId('queue-item')).toHaveCount(1);
  await screenshot(page, '11-editor-recoloured');

  // A marketplace canvas with a contact shadow, then a blurred-photo background: still live.
  await page.getByRole('combobox', { name: 'Canvas', exact: true }).selectOption('amazon');
  await page.getByLabel('Soft contact shadow').check();
  await expect
    .poll(() => page.getByTestId('viewer-result').evaluate((c: HTMLCanvasElement) => c.width === c.height))
    .toBe(true);
  await expect.poll(() => pixel(page, 0.02, 0.02).then((p) => near(p, [32, 64, 192]))).toBe(true);
  await page.getByRole('combobox', { name: 'Background', exact: true }).selectOption('blur');
  await expect.poll(() => pixel(page, 0.02, 0.02).then((p) => near(p, [32, 64, 192], 40))).toBe(false);
  await screenshot(page, '11b-editor-canvas-shadow-blur');
  await page.getByRole('combobox', { name: 'Canvas', exact: true }).selectOption('');
  await page.getByLabel('Soft contact shadow').uncheck();
  await page.getByRole('combobox', { name: 'Background', exact: true }).selectOption('color');
  await timedColour(page, '#2040c0');
  await expect(page.getByTestId('queue-item')).toHaveCount(1);

  // The brush: erase across the car's body, then undo and redo. A brush tool shows the whole photo
  // (no trim or canvas), so the pixel to compare is taken once the tool is chosen.
  await page.getByTestId('tool-erase').click();
  await page.getByTestId('brush-size').fill('60');
  await expect.poll(() => pixel(page, 0.5, 0.62).then((p) => near(p, [32, 64, 192], 30))).toBe(false);
  const centre = await pixel(page, 0.5, 0.62);
  const box = (await page.getByTestId('viewer-result').boundingBox())!;
  const at = (fx: number, fy: number) => [box.x + box.width * fx, box.y + box.height * fy] as const;
  await page.mouse.move(...at(0.4, 0.62));
  await expect(page.getByTestId('brush-cursor')).toBeVisible();
  await page.mouse.down();
  for (let i = 1; i <= 10; i++) await page.mouse.move(...at(0.4 + i * 0.02, 0.62));
  await page.mouse.up();
  await expect.poll(() => pixel(page, 0.5, 0.62).then((p) => near(p, [32, 64, 192]))).toBe(true);
  await screenshot(page, '12-editor-erased');

  await page.keyboard.press('Control+z');
  await expect.poll(() => pixel(page, 0.5, 0.62).then((p) => near(p, centre, 8))).toBe(true);
  await page.keyboard.press('Shift+Control+z');
  await expect.poll(() => pixel(page, 0.5, 0.62).then((p) => near(p, [32, 64, 192]))).toBe(true);
  await expect(page.getByTestId('redo')).toBeDisabled();
  // The engine accepted the stroke list (edit.setStrokes applies it at full resolution).
  await expect(page.getByRole('toolbar', { name: 'Viewer' })).toHaveAttribute('data-sync', 'saved');
  await expect(page.getByTestId('undo')).toBeEnabled();

  // The viewer: 100 % is one image pixel per device pixel; Fit shows the whole picture again.
  await page.getByTestId('tool-move').click();
  await page.getByTestId('zoom-100').click();
  await expect(page.getByTestId('zoom-readout')).toHaveText('100 %');
  await page.getByTestId('zoom-fit').click();
  await expect(page.getByTestId('zoom-fit')).toHaveClass(/active/);
  await page.getByRole('button', { name: 'Black backdrop' }).click();
  await expect(page.getByTestId('viewer-backdrop')).toHaveAttribute('data-backdrop', 'black');

  // Nothing was queued or spent by any of it.
  await expect(page.getByTestId('queue-item')).toHaveCount(1);
  // The quota refreshes after the run: poll it rather than read it once.
  await expect.poll(() => freeLeft(page)).toBe(quotaBefore - 1);
});

test('fit shows a portrait result whole, and a new item starts at Fit', async ({ page, state }) => {
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.goto(state.appUrl);
  await page.getByTestId('file-input').setInputFiles([state.photos[1]!]); // cloth-1: portrait
  await expect(page.locator('[data-testid="queue-item"][data-status="done"]')).toHaveCount(1, {
    timeout: 90_000,
  });
  const frame = (await page.getByTestId('viewer-frame').boundingBox())!;
  const picture = (await page.getByTestId('viewer-backdrop').boundingBox())!;
  expect(picture.y).toBeGreaterThanOrEqual(frame.y);
  expect(picture.y + picture.height).toBeLessThanOrEqual(frame.y + frame.height + 1);
  expect(picture.height).toBeGreaterThan(frame.height * 0.8);
  await page.getByRole('button', { name: 'White backdrop' }).click();
  await screenshot(page, '13-editor-portrait-fit');
});

test('privacy mode: no original kept, so the editor says why and the brush is off', async ({
  page,
  state,
}) => {
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.goto(state.appUrl);
  await page.getByRole('button', { name: 'Settings' }).click();
  const privacy = page.getByLabel(/Privacy mode/);
  await privacy.click();
  await expect(privacy).toBeChecked();
  try {
    await page.getByRole('button', { name: 'Studio' }).click();
    await page.getByTestId('file-input').setInputFiles([state.photos[2]!]);
    await expect(page.locator('[data-testid="queue-item"][data-status="done"]')).toHaveCount(1, {
      timeout: 90_000,
    });
    await expect(page.getByTestId('editor-blocked')).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId('editor-blocked')).toContainText(/original/i);
    await expect(page.getByTestId('viewer')).toHaveAttribute('data-mode', 'image');
    await expect(page.getByTestId('tool-erase')).toBeDisabled();
    await expect(page.getByTestId('tool-restore')).toBeDisabled();
    await expect(page.getByTestId('tool-add-part')).toBeDisabled();
    await expect(page.getByTestId('tool-remove-part')).toBeDisabled();
    await expect(page.getByTestId('brush-size')).toBeDisabled();
    // Ctrl+Z with nothing to edit changes nothing and raises nothing.
    await page.keyboard.press('Control+z');
    await expect(page.getByTestId('notice')).toHaveCount(0);
    await screenshot(page, '14-editor-privacy');
  } finally {
    await page.getByRole('button', { name: 'Settings' }).click();
    // A controlled checkbox: it flips once the engine saved the setting.
    await page.getByLabel(/Privacy mode/).click();
    await expect(page.getByLabel(/Privacy mode/)).not.toBeChecked();
  }
});
