/**
 * How the page holds `atelier serve`'s access key (issue 15, finding 2): never in a cookie, gone from the
 * address bar after the first load, kept across a reload, and an old or wrong key shows a friendly page
 * that the new link replaces.
 */
import { expect, test } from './fixtures';

test('finding 2: the access key stays in the page, never in a cookie or the address bar', async ({
  page,
  context,
  state,
}) => {
  expect(state.appUrl).toContain('#token=');
  await page.goto(state.appUrl);
  await expect(page.getByText('Drop photos or folders')).toBeVisible();
  expect(page.url()).not.toContain('token');
  expect(await context.cookies()).toEqual([]);
  await page.reload();
  await expect(page.getByText('Drop photos or folders')).toBeVisible();

  // A link from before a restart: a plain page saying what to do, not a raw error.
  const old = await context.newPage();
  await old.goto(state.appUrl.replace(/#token=.*/, '#token=a-key-from-an-earlier-session'));
  await expect(old.getByTestId('access-problem')).toContainText('earlier session');
  expect(await old.locator('body').innerText()).not.toContain('{');
  // The new link pasted into that tab wins over what the tab held.
  await old.goto(state.appUrl);
  await expect(old.getByText('Drop photos or folders')).toBeVisible();
  expect(old.url()).not.toContain('token');
});

test('finding 11: the UI opened on localhost works like 127.0.0.1', async ({ page, state }) => {
  await page.goto(state.appUrl.replace('//127.0.0.1:', '//localhost:'));
  await expect(page.getByText('Drop photos or folders')).toBeVisible();
  expect(new URL(page.url()).hostname).toBe('127.0.0.1');
  await page.getByRole('button', { name: 'Settings' }).click();
  await expect(page.getByTestId('providers')).toContainText('CPU');
});
