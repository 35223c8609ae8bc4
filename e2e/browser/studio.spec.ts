/**
 * The designer's main flows in Chromium through `atelier serve`, with the real engine and models:
 * drop photos → results → compare → history → regenerate → delete; a bad file among good ones; sign
 * in and watch the balance drop after a batch. Screenshots of every screen, light and dark.
 */
import { readFileSync } from 'node:fs';
import { needsKeychain, registerPaidUser } from './account-helpers';
import { expect, test } from './fixtures';
import { screenshot } from './screenshots';

test.describe.configure({ mode: 'serial' });

test('drop three photos, compare, then regenerate and delete in history', async ({ page, state }) => {
  await page.goto(state.appUrl);
  await expect(page.getByText('Drop photos or folders')).toBeVisible();
  await screenshot(page, '01-studio-empty');

  await page.getByTestId('file-input').setInputFiles(state.photos);
  // Three free generations: the cost and what is left are shown first.
  await expect(page.getByTestId('token-check')).toContainText('3 photos will use 3');
  await page.getByTestId('token-check-start').click();
  const items = page.getByTestId('queue-item');
  await expect(items).toHaveCount(3);
  await expect(page.locator('[data-testid="queue-item"][data-status="done"]')).toHaveCount(3, {
    timeout: 90_000,
  });
  await expect(page.getByTestId('queue-status')).toContainText('3 done of 3');
  // The viewer shows the first result, with its original for comparison.
  await expect(page.getByTestId('viewer-result')).toBeVisible();
  // Images load through serve's read-only image grant (no cookie carries the access key).
  await expect
    .poll(() =>
      page
        .getByTestId('queue-item')
        .locator('img')
        .first()
        .evaluate((i) => (i as unknown as { naturalWidth: number }).naturalWidth),
    )
    .toBeGreaterThan(0);
  await page.getByTestId('compare-slider').fill('20');
  await expect(page.getByTestId('viewer-before')).toBeVisible();
  await screenshot(page, '02-studio-results');

  await page.keyboard.press('Control+2');
  // This spec file's profile is its own: History holds exactly the three photos.
  const stored = 3;
  await expect(page.getByTestId('history-count')).toHaveText(`${stored} items`);
  await expect(page.getByTestId('history-tile').nth(2)).toBeVisible();
  await page.getByTestId('history-tile').first().click();
  await expect(page.getByRole('button', { name: 'Regenerate…' })).toBeEnabled();
  await screenshot(page, '03-history');

  // Regenerate… opens the item's own settings in the Studio; a composition change is a free version.
  await page.getByRole('button', { name: 'Regenerate…' }).click();
  await page.getByTestId('edges').selectOption('hard');
  await expect(page.getByTestId('cost-line')).toContainText('free');
  await page.getByTestId('apply').click();
  await expect(page.getByTestId('notice')).toContainText('Applied');
  await page.keyboard.press('Control+2');
  await expect(page.getByTestId('history-count')).toHaveText(`${stored} items`);
  await expect(page.getByTestId('tile-versions').first()).toHaveText('2 versions');

  await page.getByTestId('history-tile').first().click();
  await page.getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByTestId('undo-toast')).toContainText('Deleted');
  await expect(page.getByTestId('history-count')).toHaveText(`${stored - 1} items`);
});

test('a bad file in the drop shows its error while the others finish', async ({ page, state }) => {
  await page.goto(state.appUrl);
  await page.getByTestId('file-input').setInputFiles([state.photos[0]!, state.badFile]);
  await page.getByTestId('token-check-start').click();
  await expect(page.locator('[data-testid="queue-item"][data-status="done"]')).toHaveCount(1, {
    timeout: 90_000,
  });
  const failed = page.locator('[data-testid="queue-item"][data-status="failed"]');
  await expect(failed).toHaveCount(1);
  await expect(failed).toContainText('bad.png');
  await expect(page.getByTestId('queue-status')).toContainText('1 failed');
  await screenshot(page, '04-studio-error');
});

test('settings show the providers and why the GPU is not used', async ({ page, state }) => {
  await page.goto(state.appUrl);
  await page.getByRole('button', { name: 'Settings' }).click();
  await expect(page.getByTestId('providers')).toContainText('CPU');
  await expect(page.getByTestId('providers')).toContainText('unavailable');
  // One plain line; the technical list is under Details.
  await expect(page.getByTestId('gpu-state')).toContainText('Running on the CPU');
  await expect(page.getByTestId('providers')).toBeHidden();
  await screenshot(page, '05-settings');
});

test('sign in through the browser, then the balance drops after a batch', async ({
  page,
  context,
  state,
}) => {
  needsKeychain(state);
  const user = await registerPaidUser(state);
  await page.goto(state.appUrl);
  await page.getByRole('button', { name: 'Account' }).click();
  await expect(page.getByTestId('quota')).toBeVisible();
  await screenshot(page, '06-account-anonymous');

  const before = readFileSync(state.logFile, 'utf8').length;
  await page.getByRole('button', { name: 'Sign in with your browser' }).click();
  // The engine asked the host to open the authorize page; the "system browser" is a second tab here.
  let authorizeUrl: string | undefined;
  await expect
    .poll(() => {
      authorizeUrl = /Open in your browser: (\S+)/.exec(
        readFileSync(state.logFile, 'utf8').slice(before),
      )?.[1];
      return authorizeUrl;
    })
    .toBeTruthy();
  const browser = await context.newPage();
  await browser.goto(authorizeUrl!);
  await browser.getByLabel('Email').fill(user.email);
  await browser.getByLabel('Password').fill(user.password);
  await browser.getByRole('button', { name: 'Sign in' }).click();
  // Close the tab only once the app's loopback listener has answered, as a person would.
  await expect(browser.getByRole('heading', { name: 'Signed in to Atelier' })).toBeVisible();
  await browser.close();

  await expect(page.getByTestId('balance')).toContainText('100');
  await screenshot(page, '07-account-signed-in');

  await page.getByRole('button', { name: 'Studio' }).click();
  await page.getByTestId('file-input').setInputFiles([state.photos[1]!]);
  await expect(page.locator('[data-testid="queue-item"][data-status="done"]')).toHaveCount(1, {
    timeout: 90_000,
  });
  await page.getByRole('button', { name: 'Account' }).click();
  await expect(page.getByTestId('balance')).toContainText('99');
});
