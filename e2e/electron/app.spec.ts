/**
 * The desktop app through Playwright's Electron support. Needs an Electron binary (`node
 * node_modules/electron/install.js` downloads it), which our CI machines cannot download: there the
 * spec skips and says why.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';

const require = createRequire(import.meta.url);
function electronBinary(): string | undefined {
  try {
    const binary = require('electron') as unknown as string;
    return existsSync(binary) ? binary : undefined;
  } catch {
    return undefined;
  }
}
const binary = electronBinary();
const why =
  'no Electron binary on this machine (npm install skipped or could not download it; `node node_modules/electron/install.js` fetches it)';
if (!binary) console.log(`e2e/electron skipped: ${why}`);

test.skip(!binary, why);

test('the app opens its window with the Studio, sandboxed, and lists providers', async () => {
  const app = await electron.launch({
    executablePath: binary,
    args: [path.resolve(import.meta.dirname, '..', '..')],
  });
  const window = await app.firstWindow();
  await expect(window.getByText('Drop photos or folders')).toBeVisible();
  const nodeVisible = await window.evaluate(() => typeof (globalThis as { process?: unknown }).process);
  expect(nodeVisible).toBe('undefined');
  await window.keyboard.press('Control+,');
  await expect(window.getByTestId('providers')).toContainText('CPU');
  await app.close();
});
