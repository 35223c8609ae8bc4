/**
 * Settings ▸ Models as a designer meets it. First the shared app: every shipped model listed with its
 * size, licence and what it is good at, the catalog ones ready to install. Then an app of its own whose
 * studio mirror (ATELIER_MODELS_MIRROR) is a server on 127.0.0.1 holding generated stand-in models:
 * Install shows progress and ends installed, the cut-out's model picker offers it, Cancel stops a
 * download, a file the mirror lacks fails in plain words, and Remove takes it away. Never the internet.
 */
import type { ChildProcess } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { root, startServe, stop } from './processes';
import {
  mirrorEntry,
  paddedMatteModel,
  startModelMirror,
  type ModelMirror,
} from '../../electron/engine/testing/model-mirror';
import { screenshot } from './screenshots';

const row = (page: Page, id: string) => page.locator(`[data-testid="model-row"][data-model="${id}"]`);

test('Settings ▸ Models lists the shipped and catalog models with size, licence and use', async ({
  page,
  state,
}) => {
  await page.goto(state.appUrl);
  await page.getByRole('button', { name: 'Settings' }).click();
  const models = page.getByTestId('models');
  await expect(models.getByRole('heading', { name: 'Models', exact: true })).toBeVisible();
  const u2netp = row(page, 'u2netp');
  await expect(u2netp).toContainText('4.6 MB');
  await expect(u2netp).toContainText('Apache-2.0');
  await expect(u2netp).toContainText('Installed');
  await expect(u2netp).toContainText('Included with Atelier');
  const isnet = row(page, 'isnet-general-use');
  await expect(isnet).toContainText('179 MB');
  await expect(isnet).toContainText(/hair/i);
  await expect(isnet.getByRole('button', { name: 'Install' })).toBeVisible();
  await expect(row(page, 'birefnet-general-lite')).toContainText('MIT');
  // Development-only models stay hidden unless the developer setting asks for them.
  await expect(models).not.toContainText('Development only');
  await models.scrollIntoViewIfNeeded();
  await screenshot(page, '20-models', { fullPage: true });
});

test.describe('installing from a studio mirror', () => {
  let work: string;
  let mirror: ModelMirror;
  let serve: ChildProcess;
  let appUrl: string;

  test.beforeAll(async () => {
    work = mkdtempSync(path.join(os.tmpdir(), 'atelier-e2e-models-'));
    // The app's models folder: the real manifest and files, plus two stand-ins only the mirror has.
    const modelsDir = path.join(work, 'models');
    mkdirSync(modelsDir);
    const real = path.join(root, 'models');
    for (const f of readdirSync(real).filter((f) => f.endsWith('.onnx')))
      symlinkSync(path.join(real, f), path.join(modelsDir, f));
    const manifest = JSON.parse(readFileSync(path.join(real, 'manifest.json'), 'utf8')) as {
      models: unknown[];
    };
    const weights = paddedMatteModel(2 * 1024 * 1024);
    manifest.models.push(
      mirrorEntry('studio-matte', weights, {
        name: 'Studio matte (test)',
        summary: 'A stand-in served by the studio mirror: proves Install end to end.',
      }),
      mirrorEntry('studio-slow', weights, { name: 'Studio slow (test)' }),
      mirrorEntry('studio-gone', weights, { name: 'Studio gone (test)' }),
    );
    writeFileSync(path.join(modelsDir, 'manifest.json'), JSON.stringify(manifest));
    mirror = await startModelMirror({
      // 32 chunks, 60 ms apart: about two seconds of visible progress.
      'studio-matte.onnx': { body: weights, delayMs: 60 },
      'studio-slow.onnx': { body: weights, stallAfter: 512 * 1024 },
    });
    ({ appUrl, child: serve } = await startServe(work, {
      ATELIER_MODELS_DIR: modelsDir,
      ATELIER_MODELS_MIRROR: mirror.url,
    }));
  });

  test.afterAll(async () => {
    await stop(serve);
    await mirror?.close();
    rmSync(work, { recursive: true, force: true });
  });

  test('Install shows progress, the cut-out picker offers it; Cancel, a failure, Remove', async ({
    page,
    state,
  }) => {
    await page.goto(appUrl);
    await page.getByRole('button', { name: 'Settings' }).click();
    const matte = row(page, 'studio-matte');
    await expect(matte).toContainText('2.1 MB');
    await expect(matte).toContainText('speed: not measured yet');
    await matte.getByRole('button', { name: 'Install' }).click();
    const bar = matte.getByRole('progressbar');
    await expect(bar).toBeVisible();
    await expect.poll(async () => Number(await bar.getAttribute('aria-valuenow'))).toBeGreaterThan(0);
    await matte.scrollIntoViewIfNeeded();
    await screenshot(page, '21-models-installing', { fullPage: true });
    await expect(matte).toContainText('Installed');
    await expect(matte.getByRole('button', { name: 'Remove' })).toBeVisible();

    // A stalled download: Cancel ends it and the model stays installable.
    const slow = row(page, 'studio-slow');
    await slow.getByRole('button', { name: 'Install' }).click();
    await expect(slow.getByRole('progressbar')).toBeVisible();
    await slow.getByRole('button', { name: 'Cancel' }).click();
    await expect(slow.getByRole('button', { name: 'Install' })).toBeVisible();
    await expect(slow).not.toContainText('Installed');

    // The mirror does not hold this one: a plain error on the row, no command-line advice.
    const gone = row(page, 'studio-gone');
    await gone.getByRole('button', { name: 'Install' }).click();
    const error = gone.getByRole('alert');
    await expect(error).toContainText('HTTP 404');
    await expect(error).toContainText('studio-gone.onnx');
    await expect(error).not.toContainText('--mirror');
    await gone.scrollIntoViewIfNeeded();
    await screenshot(page, '22-models-error', { fullPage: true });

    // The cut-out panel's picker lists the installed matte models.
    await page.getByRole('button', { name: 'Studio' }).click();
    const picker = page.getByTestId('matte-model');
    await expect(picker.locator('option', { hasText: 'Studio matte (test)' })).toHaveCount(1);
    await expect(picker.locator('option', { hasText: 'Studio slow (test)' })).toHaveCount(0);
    await picker.selectOption('studio-matte');
    await expect(picker).toHaveValue('studio-matte');
    // A cut-out with it is measured, and the Models page then says how fast it ran here.
    await page.getByTestId('file-input').setInputFiles([state.photos[0]!]);
    await expect(page.locator('[data-testid="queue-item"][data-status="done"]').first()).toBeVisible({
      timeout: 90_000,
    });
    await expect(page.locator('.matte-hint')).toContainText(/~[\d.]+ (ms|s) per photo on CPU/);
    await screenshot(page, '23-matte-picker', { fullPage: true });

    await page.getByRole('button', { name: 'Settings' }).click();
    await expect(matte).toContainText(/~[\d.]+ (ms|s) per photo on CPU/);
    await matte.getByRole('button', { name: 'Remove' }).click();
    await expect(matte.getByRole('button', { name: 'Install' })).toBeVisible();
  });
});
