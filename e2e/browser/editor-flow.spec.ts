/// <reference lib="dom" />
/**
 * The designer's loop end to end in Chromium through `atelier serve` (real engine, model and license
 * server): sign in → drop a photo → cut out → change the background in the Cut out panel → Save (a
 * browser download) → the downloaded file's pixels have that background → History shows ONE item with
 * its versions → the balance dropped by exactly one. Then honest tokens: a batch the account cannot
 * pay for says so before it runs, the photos wait as "Out of tokens", a checkout paid in the browser
 * raises the balance without a reload, and Resume finishes them. Screenshots in light and dark.
 */
import sharp from 'sharp';
import { type Page } from '@playwright/test';
import { expect, test } from './fixtures';
import {
  logLength,
  needsKeychain,
  nextOpenedUrl,
  payCheckout,
  registerUser,
  signIn,
  signOut,
} from './account-helpers';
import { screenshot } from './screenshots';

async function balance(page: Page): Promise<number> {
  await page.getByRole('button', { name: 'Account' }).click();
  await expect(page.getByTestId('balance')).toContainText(/\d/);
  return Number(/(\d+)/.exec((await page.getByTestId('balance').textContent()) ?? '')?.[1]);
}

async function historyCount(page: Page): Promise<number> {
  await page.getByRole('button', { name: 'History' }).click();
  // The count reads "0 items" until the list has loaded: wait for the loaded state, not the text.
  await expect(page.getByTestId('history-count')).toHaveAttribute('aria-busy', 'false');
  return Number(/(\d+)/.exec((await page.getByTestId('history-count').textContent()) ?? '')?.[1]);
}

const near = (a: number[], b: number[], tolerance = 4) => b.every((v, i) => Math.abs(a[i]! - v) <= tolerance);

test.describe.configure({ mode: 'serial' });

test('cut out, recolour, Save a download with that colour: one History item, one token', async ({
  page,
  context,
  state,
}) => {
  needsKeychain(state);
  await page.setViewportSize({ width: 1400, height: 900 });
  const user = await registerUser(state);
  await page.goto(state.appUrl);
  await signIn(page, context, state, user);
  // A fresh user has no tokens: pay for a pack the way the provider does, then buy in the app below.
  const before = logLength(state);
  await page.locator('.pack').first().click();
  await expect(page.getByTestId('checkout-waiting')).toBeVisible();
  const checkoutUrl = await nextOpenedUrl(state, before, /\/checkout\//);
  await screenshot(page, '21-flow-checkout-waiting');
  await payCheckout(state, user.accountId, checkoutUrl.split('/').pop()!);
  // The engine watches the open checkout: the balance changes here without a reload.
  await expect(page.getByTestId('checkout-done')).toBeVisible({ timeout: 30_000 });
  const tokensBefore = await balance(page);
  expect(tokensBefore).toBeGreaterThan(0);
  const itemsBefore = await historyCount(page);

  await page.getByRole('button', { name: 'Studio' }).click();
  await page.getByTestId('file-input').setInputFiles([state.photos[0]!]);
  await expect(page.locator('[data-testid="queue-item"][data-status="done"]')).toHaveCount(1, {
    timeout: 90_000,
  });
  await expect(page.getByTestId('queue-badge').first()).toHaveText('Done');
  await expect(page.getByTestId('result-actions')).toBeVisible();
  await expect(page.getByTestId('save-target')).toContainText('car-1.png');

  // The Cut out panel holds the background: a change is composition, so it is free.
  await page.getByTestId('background-kind').selectOption('color');
  for (const colour of ['#ff0000', '#00a050', '#2040c0'])
    await page.getByTestId('background-color').fill(colour);
  await expect(page.getByTestId('cost-line')).toContainText('free');
  await expect(page.getByTestId('queue-item')).toHaveCount(1);
  await screenshot(page, '22-flow-studio-recoloured');

  const download = page.waitForEvent('download');
  await page.getByTestId('save').click();
  const file = await (await download).path();
  expect((await download).suggestedFilename()).toBe('car-1.png');
  const { data, info } = await sharp(file).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const at = (fx: number, fy: number) => {
    const i = (Math.floor(info.height * fy) * info.width + Math.floor(info.width * fx)) * 4;
    return [...data.subarray(i, i + 4)];
  };
  // The corner is the new background, opaque; the car in the middle is not background-coloured.
  expect(near(at(0.02, 0.02), [32, 64, 192, 255])).toBe(true);
  expect(near(at(0.5, 0.6), [32, 64, 192], 30)).toBe(false);
  await expect(page.getByTestId('notice')).toContainText('Downloaded car-1.png');
  await screenshot(page, '23-flow-studio-saved');

  // Copy puts a PNG on the clipboard.
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.getByTestId('copy').click();
  await expect(page.getByTestId('notice')).toContainText('Copied');
  const clipboardTypes = await page.evaluate(async () => (await navigator.clipboard.read())[0]?.types ?? []);
  expect(clipboardTypes).toContain('image/png');

  // The Studio's settings live in the engine, not the page: a reload keeps them.
  await page.reload();
  await expect(page.getByTestId('background-kind')).toHaveValue('color');
  await expect(page.getByTestId('background-color')).toHaveValue('#2040c0');

  // History: still one item for this photo, now with its versions; exactly one token was spent.
  expect(await historyCount(page)).toBe(itemsBefore + 1);
  const tile = page.getByTestId('history-tile').first();
  await expect(tile.getByTestId('tile-versions')).toContainText('versions');
  await tile.click();
  await expect(page.getByTestId('version')).toHaveCount(2);
  await screenshot(page, '24-flow-history-versions');
  // The balance refreshes after the run: poll it rather than read it once.
  await expect.poll(() => balance(page)).toBe(tokensBefore - 1);

  // Regenerate… opens the item's own settings in the Studio, with what a change would cost.
  await page.getByRole('button', { name: 'History' }).click();
  await page.getByTestId('history-tile').first().click();
  await page.getByRole('button', { name: 'Regenerate…' }).click();
  await expect(page.getByTestId('background-kind')).toHaveValue('color');
  await page.getByLabel('Refine edges at full resolution').uncheck();
  await expect(page.getByTestId('cost-line')).toContainText('runs the model again: 1 token');
  await screenshot(page, '25-flow-regenerate-settings');
  await signOut(page);
});

test('a batch the account cannot pay for says so first; Out of tokens, buy, Resume', async ({
  page,
  context,
  state,
}) => {
  needsKeychain(state);
  await page.setViewportSize({ width: 1400, height: 900 });
  const user = await registerUser(state);
  await page.goto(state.appUrl);
  await signIn(page, context, state, user);
  await page.getByRole('button', { name: 'Studio' }).click();
  await page.getByTestId('file-input').setInputFiles([state.photos[1]!, state.photos[2]!]);
  const check = page.getByTestId('token-check');
  await expect(check).toContainText('2 photos need 2 tokens; you have 0');
  await screenshot(page, '26-flow-token-check');

  await page.getByTestId('token-check-anyway').click();
  await expect(page.locator('[data-testid="queue-item"][data-status="out-of-tokens"]')).toHaveCount(2, {
    timeout: 60_000,
  });
  await expect(page.getByTestId('queue-badge').first()).toHaveText('Out of tokens');
  await expect(page.getByTestId('queue-resume')).toBeVisible();
  await screenshot(page, '27-flow-out-of-tokens');

  await page.getByRole('button', { name: 'Account' }).click();
  const before = logLength(state);
  await page.locator('.pack').first().click();
  const checkoutUrl = await nextOpenedUrl(state, before, /\/checkout\//);
  await payCheckout(state, user.accountId, checkoutUrl.split('/').pop()!);
  await expect(page.getByTestId('checkout-done')).toBeVisible({ timeout: 30_000 });

  await page.getByRole('button', { name: 'Studio' }).click();
  await page.getByTestId('queue-resume').click();
  // Two tokens to spend: the cost and the new balance are shown first.
  await expect(page.getByTestId('token-check')).toContainText('2 photos will use 2 tokens');
  await page.getByTestId('token-check-start').click();
  await expect(page.locator('[data-testid="queue-item"][data-status="done"]')).toHaveCount(2, {
    timeout: 90_000,
  });
  await page.getByTestId('queue-filter-failed').click();
  await expect(page.getByTestId('queue-item')).toHaveCount(0);
  await page.getByRole('tab', { name: /^All/ }).click();

  // Apply these settings to all: both photos re-rendered from their masks, no model run, no token.
  const tokens = await balance(page);
  await page.getByRole('button', { name: 'Studio' }).click();
  await page.getByTestId('queue-item').first().locator('.queue-item-button').click();
  await page.getByTestId('background-kind').selectOption('color');
  await page.getByTestId('background-color').fill('#ffd000');
  await page.getByTestId('apply-all').click();
  await expect(page.getByTestId('notice')).toContainText('2 updated');
  await expect(page.getByTestId('queue-item').getByText('2 versions')).toHaveCount(2);
  await screenshot(page, '28-flow-applied-to-all');
  expect(await balance(page)).toBe(tokens);

  await page.getByRole('button', { name: 'Studio' }).click();
  await page.getByRole('button', { name: 'Clear' }).click();
  await expect(page.getByTestId('queue-item')).toHaveCount(0);
  await signOut(page);
});
