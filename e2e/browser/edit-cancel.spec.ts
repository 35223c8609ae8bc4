/// <reference lib="dom" />
/**
 * A long full-size render can be watched and stopped (issue 20, bounded requests): a 30 MP photo is cut
 * out, its background set to the blurred photo, Apply → the editor shows the render's progress with a
 * Cancel button → Escape stops it: the engine answers CANCELLED, the UI says the item was left as it
 * was, and History still shows no new version. Then Apply again finishes. Screenshots in light and dark.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { expect, test } from './fixtures';
import { screenshot } from './screenshots';

test('a slow Apply shows its progress and Escape stops it, leaving the item as it was', async ({
  page,
  state,
}) => {
  test.setTimeout(300_000);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'atelier-e2e-cancel-'));
  try {
    // Big enough that the full-size render takes seconds here, so there is time to stop it (and to
    // take the progress's screenshot on the second Apply).
    const photo = path.join(dir, 'car-30mp.jpg');
    const meta = await sharp(state.photos[0]!).metadata();
    const scale = Math.sqrt(30e6 / (meta.width! * meta.height!));
    await sharp(state.photos[0]!, { limitInputPixels: false })
      .resize(Math.round(meta.width! * scale), Math.round(meta.height! * scale))
      .jpeg({ quality: 90 })
      .toFile(photo);

    await page.setViewportSize({ width: 1400, height: 900 });
    await page.goto(state.appUrl);
    await page.getByTestId('file-input').setInputFiles([photo]);
    await expect(page.locator('[data-testid="queue-item"][data-status="done"]')).toHaveCount(1, {
      timeout: 180_000,
    });
    await expect(page.getByTestId('viewer')).toHaveAttribute('data-mode', 'preview', { timeout: 60_000 });

    await page.getByRole('combobox', { name: 'Background', exact: true }).selectOption('blur');
    await expect(page.getByTestId('apply')).toBeEnabled();
    await page.getByTestId('apply').click();
    const progress = page.getByTestId('edit-progress');
    // Escape as soon as the render runs (the viewer says so at once; its bar shows after 0.4 s): a
    // render prepared while the editor opened takes a second or two, and waiting for the bar, or a
    // screenshot, let it finish before Escape on fast runs. The bar is looked at on the second Apply.
    await expect(page.getByTestId('viewer')).toHaveAttribute('aria-busy', 'true');
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('notice')).toContainText('Stopped — the item was left as it was', {
      timeout: 60_000,
    });
    await expect(progress).toBeHidden();
    // Nothing was applied: the change is still pending, and History holds the one cut-out, unversioned.
    await expect(page.getByTestId('apply')).toBeEnabled();
    await screenshot(page, '51-editor-render-stopped');
    await page.getByRole('button', { name: 'History' }).click();
    await expect(page.getByTestId('history-count')).toHaveAttribute('aria-busy', 'false');
    await expect(page.getByTestId('tile-versions')).toHaveCount(0);
    await page.getByRole('button', { name: 'Studio' }).click();

    // Apply again, left alone this time: it finishes, and the item has its new version.
    await expect(page.getByTestId('apply')).toBeEnabled();
    await page.getByTestId('apply').click();
    await expect(progress).toBeVisible({ timeout: 30_000 });
    await expect(progress).toContainText('Rendering full size');
    await expect(page.getByTestId('edit-cancel')).toBeEnabled();
    await screenshot(page, '50-editor-render-progress');
    await expect(page.getByTestId('notice')).toContainText('Applied', { timeout: 180_000 });
    await page.getByRole('button', { name: 'History' }).click();
    await expect(page.getByTestId('tile-versions')).toHaveText('2 versions');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
