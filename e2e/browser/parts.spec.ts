/// <reference lib="dom" />
/**
 * One-click fixes in Chromium through `atelier serve` (real engine and model): drop a photo → cut out
 * → erase a patch of the car with the brush (a "missed part") → Add part, one click on it: the engine
 * grows it back along the photo's edges, and not the dark road beside it, and the viewer shows its
 * mask → Undo takes it away, Redo puts it back → a click while "Before" is shown is refused → Remove
 * part on the car's rear takes the rear (not a dot), undone →
 * Save: the downloaded file has the added part.
 * Free: no new queue item. Screenshots in light and dark.
 */
import sharp from 'sharp';
import { expect, test } from './fixtures';
import { previewPixel as pixel } from './preview-pixel';
import { screenshot } from './screenshots';

const BLUE = [32, 64, 192];
const near = (a: number[], b: number[], tolerance = 8) => b.every((v, i) => Math.abs(a[i]! - v) <= tolerance);
/** The spot on the car's body that is erased, then added back with one click. */
const SPOT = [0.5, 0.62] as const;
/** The dark road under the car's front: the cut-out leaves it out, and Add part must not bring it. */
const ROAD = [0.22, 0.81] as const;
/** The rear wheel, a hand's width from the Remove part click on the car's rear: the same region. */
const WHEEL = [0.77, 0.6] as const;

test('Add part: one click brings back a missed part, undo and redo it, Save keeps it', async ({
  page,
  state,
}) => {
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.goto(state.appUrl);
  await page.getByTestId('file-input').setInputFiles([state.photos[0]!]); // car-1
  await expect(page.locator('[data-testid="queue-item"][data-status="done"]')).toHaveCount(1, {
    timeout: 90_000,
  });
  await expect(page.getByTestId('viewer')).toHaveAttribute('data-mode', 'preview', { timeout: 30_000 });
  await page.getByTestId('background-kind').selectOption('color');
  await page.getByTestId('background-color').fill('#2040c0');
  await expect.poll(() => pixel(page, 0.02, 0.02).then((p) => near(p, BLUE))).toBe(true);

  // A missed part: erase a patch of the car's body with the brush.
  await page.getByTestId('tool-erase').click();
  await page.getByTestId('brush-size').fill('60');
  await expect.poll(() => pixel(page, ...SPOT).then((p) => near(p, BLUE, 30))).toBe(false);
  const box = (await page.getByTestId('viewer-result').boundingBox())!;
  const at = (fx: number, fy: number) => [box.x + box.width * fx, box.y + box.height * fy] as const;
  await page.mouse.move(...at(0.44, 0.62));
  await page.mouse.down();
  for (let i = 1; i <= 6; i++) await page.mouse.move(...at(0.44 + i * 0.02, 0.62));
  await page.mouse.up();
  await expect.poll(() => pixel(page, ...SPOT).then((p) => near(p, BLUE))).toBe(true);
  const toolbar = page.getByRole('toolbar', { name: 'Viewer' });
  await expect(toolbar).toHaveAttribute('data-sync', 'saved');

  // Add part: its tooltip says what it does and that it is free.
  const addPart = page.getByTestId('tool-add-part');
  await expect(addPart).toHaveAttribute('title', /Click a part the cut-out missed.*free/);
  await expect(page.getByTestId('tool-remove-part')).toHaveAttribute(
    'title',
    /Click a part that should go.*free/,
  );
  await addPart.click();
  await expect(addPart).toHaveAttribute('aria-pressed', 'true');
  expect(near(await pixel(page, ...ROAD), BLUE)).toBe(true);

  // One click: "Working…" while the engine computes, then the part is back in the preview.
  await page.mouse.click(...at(...SPOT));
  await expect(page.getByTestId('part-working')).toBeVisible();
  await screenshot(page, '41-parts-working');
  await expect(page.getByTestId('part-working')).toBeHidden({ timeout: 30_000 });
  await expect.poll(() => pixel(page, ...SPOT).then((p) => near(p, BLUE, 30))).toBe(false);
  await expect(toolbar).toHaveAttribute('data-sync', 'saved');
  // Only the part clicked: the road next to it, as dark as the car's underside, stays out.
  expect(near(await pixel(page, ...ROAD), BLUE)).toBe(true);
  await screenshot(page, '42-parts-added');

  // One undo step: the erased patch is back; redo brings the part again.
  await page.getByTestId('undo').click();
  await expect(page.getByTestId('part-working')).toBeHidden({ timeout: 30_000 });
  await expect.poll(() => pixel(page, ...SPOT).then((p) => near(p, BLUE))).toBe(true);
  await page.getByTestId('redo').click();
  await expect(page.getByTestId('part-working')).toBeHidden({ timeout: 30_000 });
  await expect.poll(() => pixel(page, ...SPOT).then((p) => near(p, BLUE, 30))).toBe(false);
  await expect(page.getByTestId('redo')).toBeDisabled();

  // A click while the original is shown is refused, as for the brush: nothing is added.
  await page.getByTestId('before-toggle').click();
  await page.mouse.click(...at(0.3, 0.3));
  await expect(page.getByTestId('paint-refused')).toContainText('click again');
  await expect(page.getByTestId('part-working')).toBeHidden();
  await expect(page.getByTestId('redo')).toBeDisabled();
  await page.keyboard.press('Control+z');
  await expect.poll(() => pixel(page, ...SPOT).then((p) => near(p, BLUE))).toBe(true);
  await page.keyboard.press('Shift+Control+z');
  await expect(page.getByTestId('part-working')).toBeHidden({ timeout: 30_000 });
  await expect.poll(() => pixel(page, ...SPOT).then((p) => near(p, BLUE, 30))).toBe(false);
  await expect(toolbar).toHaveAttribute('data-sync', 'saved');

  // Remove part: a click on the car's rear takes the region it is on out (the rear up to the door's
  // edge, wheel included), not just the dot under the click; undo puts it back.
  const REAR = [0.69, 0.62] as const;
  await expect.poll(() => pixel(page, ...REAR).then((p) => near(p, BLUE, 30))).toBe(false);
  expect(near(await pixel(page, ...WHEEL), BLUE, 30)).toBe(false);
  await page.getByTestId('tool-remove-part').click();
  await page.mouse.click(...at(...REAR));
  await expect(page.getByTestId('part-working')).toBeHidden({ timeout: 30_000 });
  await expect.poll(() => pixel(page, ...REAR).then((p) => near(p, BLUE, 30))).toBe(true);
  await expect.poll(() => pixel(page, ...WHEEL).then((p) => near(p, BLUE, 30))).toBe(true);
  await screenshot(page, '44-parts-removed');
  await page.getByTestId('undo').click();
  await expect(page.getByTestId('part-working')).toBeHidden({ timeout: 30_000 });
  await expect.poll(() => pixel(page, ...REAR).then((p) => near(p, BLUE, 30))).toBe(false);
  await expect.poll(() => pixel(page, ...SPOT).then((p) => near(p, BLUE, 30))).toBe(false);
  await expect(toolbar).toHaveAttribute('data-sync', 'saved');

  // Free: still one queue item. Save renders at full resolution with the part in it.
  await expect(page.getByTestId('queue-item')).toHaveCount(1);
  await page.getByTestId('tool-move').click();
  const download = page.waitForEvent('download');
  await page.getByTestId('save').click();
  const file = await (await download).path();
  const { data, info } = await sharp(file).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const saved = (fx: number, fy: number) => {
    const i = (Math.floor(info.height * fy) * info.width + Math.floor(info.width * fx)) * 4;
    return [...data.subarray(i, i + 4)];
  };
  expect(near(saved(0.02, 0.02), [...BLUE, 255])).toBe(true);
  expect(near(saved(...SPOT), BLUE, 30)).toBe(false);
  expect(near(saved(...ROAD), [...BLUE, 255])).toBe(true);
  await expect(page.getByTestId('queue-item')).toHaveCount(1);
  await screenshot(page, '43-parts-saved');
});
