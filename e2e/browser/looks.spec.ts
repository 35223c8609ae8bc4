/**
 * The Stylize look picker as a designer meets it: every shipped look by name with its preview, no
 * development-only model unless the developer setting asks for it; then one look applied to a photo.
 */
import { expect, test } from './fixtures';
import { screenshot } from './screenshots';

const SHIPPED = ['Painted portrait', 'Candy', 'Mosaic', 'Pointillism', 'Rain princess', 'Udnie'];

test('the look picker shows the shipped looks with previews, and only those', async ({ page, state }) => {
  await page.goto(state.appUrl);
  await page.getByRole('tab', { name: 'Stylize' }).click();
  const picker = page.getByRole('radiogroup', { name: 'Look' });
  const looks = picker.getByRole('radio');
  await expect(looks).toHaveCount(SHIPPED.length);
  for (const name of SHIPPED) await expect(picker.getByText(name, { exact: false })).toBeVisible();
  await expect(picker).not.toContainText('development only');
  // Every preview image decoded (a broken asset URL would leave naturalWidth 0).
  const widths = await picker
    .locator('img')
    .evaluateAll((imgs) => imgs.map((i) => (i as unknown as { naturalWidth: number }).naturalWidth));
  expect(widths).toHaveLength(SHIPPED.length);
  expect(widths.every((w) => w > 0)).toBe(true);

  await picker.getByText('Candy').click();
  await expect(picker.getByRole('radio', { name: /Candy/ })).toHaveAttribute('aria-checked', 'true');
  await screenshot(page, '10-look-picker');

  await page.getByTestId('file-input').setInputFiles([state.photos[0]!]);
  await expect(page.locator('[data-testid="queue-item"][data-status="done"]').first()).toBeVisible({
    timeout: 90_000,
  });
  await screenshot(page, '11-look-applied');
});
