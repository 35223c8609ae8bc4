/**
 * The Privacy page in Chromium through `atelier serve`: it says what is stored, for how long and what is
 * sent (the statements of privacy-text.ts), exports, and deletes the account after a confirmation.
 */
import path from 'node:path';
import { expect, test } from './fixtures';
import { PRIVACY_SECTIONS } from '../../renderer/src/components/privacy-text';

const shots = path.resolve(import.meta.dirname, '..', 'screenshots');

test('the Privacy page shows every statement, exports, and deletes the account after confirming', async ({
  page,
  state,
}) => {
  await page.goto(state.appUrl);
  await page.getByRole('button', { name: 'Privacy' }).click();
  await expect(page.getByRole('heading', { name: 'Privacy', level: 1 })).toBeVisible();
  for (const section of PRIVACY_SECTIONS) {
    await expect(page.getByRole('heading', { name: section.title })).toBeVisible();
    for (const s of section.statements) await expect(page.getByText(s.text, { exact: true })).toBeVisible();
  }
  await page.screenshot({ path: path.join(shots, '20-privacy.png'), fullPage: true });

  await page.getByRole('button', { name: 'Export' }).click();
  await expect(page.getByTestId('notice')).toContainText('Exported');

  await page.getByRole('button', { name: 'Delete account…' }).click();
  await page.getByTestId('confirm-delete-account').click();
  await expect(page.getByTestId('notice')).toContainText('Account deleted');
  await page.getByRole('button', { name: 'History' }).click();
  await expect(page.getByText(/No generations yet/)).toBeVisible();
});
