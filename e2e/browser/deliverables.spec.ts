/// <reference lib="dom" />
/**
 * The designer's deliverables in Chromium through `atelier serve` (real engine and model), in a profile
 * of its own with no license server (a build that cannot sell tokens): drop 8 photos → the cost and
 * what is left are shown and confirmed → A's background applied to all → "Export results" downloads a
 * ZIP of 8 images named after the photos (unzipped and decoded here) → Delete B → Undo → B is back →
 * the free generations run out → the local reset time and the way forward are shown, and no greyed
 * button. Screenshots in light and dark.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import sharp from 'sharp';
import { expect, test, type Page } from '@playwright/test';
import { screenshot } from './screenshots';

const root = path.resolve(import.meta.dirname, '..', '..');
const fixtures = path.resolve(root, '..', 'shared', 'fixtures');

/** Drops files on the drop zone as the file explorer does (a DataTransfer with the files' bytes). */
async function drop(page: Page, files: string[]): Promise<void> {
  const payload = files.map((f) => ({ name: path.basename(f), bytes: [...readFileSync(f)] }));
  await page.getByTestId('dropzone').evaluate((zone, items) => {
    const data = new DataTransfer();
    for (const item of items)
      data.items.add(new File([new Uint8Array(item.bytes)], item.name, { type: 'image/jpeg' }));
    zone.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
  }, payload);
}

const PHOTOS = [
  'rembg/images/car-1.jpg',
  'rembg/images/cloth-1.jpg',
  'rembg/images/anime-girl-1.jpg',
  'rembg/images/plants-1.jpg',
  'gt/oxford_pets_subset/images/Abyssinian_1.jpg',
  'gt/oxford_pets_subset/images/Bengal_185.jpg',
  'gt/oxford_pets_subset/images/Bombay_182.jpg',
  'gt/oxford_pets_subset/images/British_Shorthair_102.jpg',
];
const LATER = [
  'gt/oxford_pets_subset/images/British_Shorthair_103.jpg',
  'gt/oxford_pets_subset/images/British_Shorthair_104.jpg',
  'gt/oxford_pets_subset/images/British_Shorthair_105.jpg',
];

let work: string;
let serve: ChildProcess;
let appUrl: string;
const folder: string[] = [];
const later: string[] = [];

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  work = mkdtempSync(path.join(os.tmpdir(), 'atelier-e2e-deliver-'));
  const photos = path.join(work, 'client-shoot');
  mkdirSync(photos);
  for (const [list, out] of [
    [PHOTOS, folder],
    [LATER, later],
  ] as const) {
    for (const photo of list) {
      const file = path.join(photos, path.basename(photo));
      await sharp(path.join(fixtures, photo))
        .resize(320, 320, { fit: 'inside' })
        .jpeg({ quality: 88 })
        .toFile(file);
      out.push(file);
    }
  }
  // Its own profile: the free generations counted here are this spec's alone. No license server.
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ATELIER_OUTPUT_DIR: path.join(work, 'out'),
    ATELIER_NO_BROWSER: '1',
  };
  delete env.ATELIER_SERVER_URL;
  delete env.ATELIER_SERVER_PUBLIC_KEY;
  serve = spawn(
    process.execPath,
    [
      'bin/atelier.js',
      'serve',
      '--port',
      '0',
      '--profile',
      path.join(work, 'profile'),
      '--provider',
      'cpu',
      '--no-browser',
    ],
    { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let seen = '';
  appUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`atelier serve did not start: ${seen}`)), 60_000);
    const read = (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /serving at (http:\/\/\S+)/.exec(seen);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    serve.stdout?.on('data', read);
    serve.stderr?.on('data', read);
    serve.on('exit', (code) => reject(new Error(`atelier serve exited with ${code}: ${seen}`)));
  });
});

test.afterAll(async () => {
  serve?.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 500));
  if (work) rmSync(work, { recursive: true, force: true });
});

test('8 photos: confirm the cost, apply A’s look to all, export results named after the photos', async ({
  page,
}) => {
  test.setTimeout(300_000);
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.goto(appUrl);
  await drop(page, folder);

  // Regression: a batch of 8 spent 8 of 10 free generations without asking.
  const check = page.getByTestId('token-check');
  await expect(check).toHaveAttribute('data-enough', 'true');
  await expect(check).toContainText('8 photos will use 8 free generations (1 free generation each)');
  await expect(check).toContainText('You have 10 free generations left today; 2 free generations after this');
  await expect(page.getByTestId('queue-item')).toHaveCount(0);
  await screenshot(page, '40-deliver-confirm-cost');
  await page.getByTestId('token-check-start').click();
  await expect(page.locator('[data-testid="queue-item"][data-status="done"]')).toHaveCount(8, {
    timeout: 240_000,
  });
  // Regression: the CUDA/onnxruntime line on every Studio screen.
  await expect(page.locator('main')).not.toContainText(/CUDA|onnxruntime|DirectML|CoreML/);

  // A's look (a solid colour background), applied to all eight: a free re-render each.
  await page.getByTestId('queue-item').last().getByRole('button').click();
  await page.getByTestId('background-kind').selectOption('color');
  await page.getByTestId('background-color').fill('#1e90ff');
  await page.getByTestId('apply-all').click();
  await expect(page.getByTestId('notice')).toContainText('8 updated');
  await expect(page.getByTestId('notice')).toContainText('free — no model run');

  // Export results: the finished files, not the data export.
  const exportButton = page.getByTestId('export-results');
  await expect(exportButton).toHaveText(/Export 8 results/);
  await screenshot(page, '41-deliver-applied');
  const [download] = await Promise.all([page.waitForEvent('download'), exportButton.click()]);
  const zipFile = path.join(work, 'results.zip');
  await download.saveAs(zipFile);
  expect(download.suggestedFilename()).toMatch(/^atelier-results-\d{4}-\d{2}-\d{2}\.zip$/);
  const entries = unzipSync(readFileSync(zipFile));
  const expected = folder.map((f) => `${path.basename(f, '.jpg')}.png`).sort();
  expect(Object.keys(entries).sort()).toEqual(expected);
  for (const [name, bytes] of Object.entries(entries)) {
    const image = sharp(Buffer.from(bytes));
    const meta = await image.metadata();
    expect(meta.format, name).toBe('png');
    expect(meta.width, name).toBeGreaterThan(100);
    // Every file has A's background: a good part of it is exactly the chosen blue.
    const { data, info } = await image.removeAlpha().raw().toBuffer({ resolveWithObject: true });
    let blue = 0;
    for (let i = 0; i < data.length; i += 3)
      if (data[i] === 30 && data[i + 1] === 144 && data[i + 2] === 255) blue++;
    expect(blue / (info.width * info.height), name).toBeGreaterThan(0.05);
  }
  await expect(page.getByTestId('notice')).toContainText('Downloaded');
  await expect(page.getByTestId('notice')).toContainText('8 files named after their photos');
});

test('delete B, then Undo: B is back in the queue and in History', async ({ page }) => {
  await page.goto(appUrl);
  await page.getByRole('button', { name: 'History' }).click();
  await expect(page.getByTestId('history-count')).toHaveText('8 items');
  const b = page.getByRole('button', { name: /^Bengal_185\.jpg, / });
  await b.click();
  await page.getByTestId('history-delete').click();
  const toast = page.getByTestId('undo-toast');
  await expect(toast).toContainText('Deleted Bengal_185.jpg');
  await expect(page.getByTestId('history-count')).toHaveText('7 items');
  await expect(b).toHaveCount(0);
  await screenshot(page, '42-deliver-undo-toast');
  await toast.getByTestId('undo').click();
  await expect(page.getByTestId('notice')).toContainText('Restored');
  await expect(page.getByTestId('history-count')).toHaveText('8 items');
  await expect(b).toBeVisible();

  // The queue's Delete key, with Undo too: B leaves the list and History, and comes back.
  await page.getByRole('button', { name: 'Studio' }).click();
  await drop(page, [folder[5]!]);
  await expect(page.locator('[data-testid="queue-item"][data-status="done"]')).toHaveCount(1, {
    timeout: 60_000,
  });
  await page.getByTestId('queue-item').first().getByRole('button').click();
  await page.keyboard.press('Delete');
  await expect(page.getByTestId('undo-toast')).toContainText('Deleted Bengal_185.jpg');
  await expect(page.getByTestId('queue-item')).toHaveCount(0);
  await page.getByTestId('undo').click();
  await expect(page.getByTestId('queue-item')).toHaveCount(1);

  // Clear empties the list (History keeps the items), with Undo as well.
  await page.getByTestId('queue-clear').click();
  await expect(page.getByTestId('undo-toast')).toContainText('Cleared 1 photo from the list');
  await expect(page.getByTestId('queue-item')).toHaveCount(0);
  await page.getByTestId('undo').click();
  await expect(page.getByTestId('queue-item')).toHaveCount(1);
});

test('out of free generations: when they come back, and the way forward', async ({ page }) => {
  await page.goto(appUrl);
  // 9 of 10 used; three more photos.
  await drop(page, later);
  const check = page.getByTestId('token-check');
  await expect(check).toContainText('3 photos need 3 free generations; you have 1 left today');
  await expect(page.getByTestId('quota-reset')).toContainText(
    /New free generations (at midnight|today at|on )/,
  );
  // No license server in this build: said plainly, no greyed Sign in button.
  await expect(page.getByTestId('way-forward')).toContainText('Buying tokens is not available in this build');
  await expect(check.getByRole('button', { name: 'Sign in' })).toHaveCount(0);
  await screenshot(page, '43-deliver-out-of-free');
  await page.getByTestId('token-check-anyway').click();
  await expect(page.locator('[data-testid="queue-item"][data-status="done"]')).toHaveCount(1, {
    timeout: 60_000,
  });
  await expect(page.locator('[data-testid="queue-item"][data-status="out-of-tokens"]')).toHaveCount(2, {
    timeout: 60_000,
  });

  await page.getByRole('button', { name: 'Account' }).click();
  await expect(page.getByTestId('quota')).toHaveText('0 left today.');
  await expect(page.getByTestId('quota-reset')).toContainText(/New ones (at midnight|today at|on )/);
  await expect(page.getByTestId('no-buying')).toContainText('not available in this build');
  await expect(page.locator('button:disabled', { hasText: 'Sign in' })).toHaveCount(0);
  // One price table: what is free says so, and the token badge is explained.
  await expect(page.getByTestId('price-table')).toContainText(
    'Change a cut-out’s background, shadow, canvas, trim or format',
  );
  await expect(page.getByTestId('price-table')).toContainText('free — no model run');
  await expect(page.getByTestId('token-legend')).toContainText('runs the model again');
  await screenshot(page, '44-deliver-account-out');
});
