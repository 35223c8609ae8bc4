/**
 * Screenshots for people to look at: every spec saves its screens in light and dark under
 * e2e/screenshots/ (`<name>-light.png`, `<name>-dark.png`), then leaves the page in light.
 */
import path from 'node:path';
import type { Page } from '@playwright/test';

export const shotsDir = path.resolve(import.meta.dirname, '..', 'screenshots');

export async function screenshot(
  page: Page,
  name: string,
  options: { fullPage?: boolean } = {},
): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.waitForTimeout(150);
    await page.screenshot({ path: path.join(shotsDir, `${name}-${scheme}.png`), ...options });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}
