/**
 * The browser specs' fixture: each spec file gets its own `atelier serve` on a fresh temporary profile
 * (its own history, settings, queue, sign-in and log), so any subset of the specs runs alone, in any
 * order, and one spec's leftovers never change another's counts. The license server and the input
 * photos are shared (global-setup.ts); a spec that needs money registers its own user on that server
 * (account-helpers.ts).
 *
 * Use it in a new spec:
 *
 *   import { expect, test } from './fixtures';
 *
 *   test('…', async ({ page, state }) => {
 *     await page.goto(state.appUrl);                 // this file's own app
 *     await page.getByTestId('file-input').setInputFiles([state.photos[0]!]);
 *   });
 *
 * `state` starts on the first test of a file that asks for it and is shared by that file's tests (use
 * `test.describe.configure({ mode: 'serial' })` where tests build on each other); it is stopped and
 * its folder removed when the worker moves on to the next file. A spec that needs a differently
 * configured app (another models folder, a mirror) starts one with `startServe` from processes.ts.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test as base, type TestInfo } from '@playwright/test';
import type { SharedState } from './global-setup';
import { startServe, stop, type Serve } from './processes';

export { expect } from '@playwright/test';

export interface E2EState extends SharedState {
  /** This spec file's `atelier serve`, with its access key in the fragment (`#token=…`). */
  appUrl: string;
  /** That serve's stderr: the engine prints there the URLs it asks the host to open (sign-in, checkout). */
  logFile: string;
}

interface Started {
  serve: Promise<Serve>;
  work: string;
}

interface PerFile {
  forFile(file: string): Promise<E2EState>;
}

function shared(): SharedState {
  const raw = process.env.E2E_SHARED;
  if (!raw) throw new Error('E2E_SHARED is not set: run the specs through e2e/playwright.config.ts');
  return JSON.parse(raw) as SharedState;
}

async function stopStarted(started: Started): Promise<void> {
  await stop(await started.serve.then((s) => s.child).catch(() => undefined));
  rmSync(started.work, { recursive: true, force: true });
}

export const test = base.extend<{ state: E2EState }, { perFile: PerFile }>({
  perFile: [
    // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixtures a fixture depends on from this pattern
    async ({}, use) => {
      const apps = new Map<string, Started>();
      const stopAllBut = async (keep?: string) => {
        for (const [file, started] of [...apps]) {
          if (file === keep) continue;
          apps.delete(file);
          await stopStarted(started);
        }
      };
      await use({
        async forFile(file) {
          // A worker runs one file's tests before the next file's: an app of an earlier file is done.
          await stopAllBut(file);
          const s = shared();
          let started = apps.get(file);
          if (!started) {
            const work = mkdtempSync(
              path.join(os.tmpdir(), `atelier-e2e-${path.basename(file, '.spec.ts')}-`),
            );
            started = {
              work,
              serve: startServe(work, {
                ATELIER_SERVER_URL: s.serverUrl,
                ATELIER_SERVER_PUBLIC_KEY: s.publicKey,
              }),
            };
            apps.set(file, started);
          }
          const { appUrl, logFile } = await started.serve;
          return { ...s, appUrl, logFile };
        },
      });
      await stopAllBut();
    },
    { scope: 'worker' },
  ],
  // An exception nobody caught in the app's page (a React effect that threw, a rejected promise left
  // alone) fails the test that caused it, even when what the test looks at still came out right.
  page: async ({ page }, use) => {
    const uncaught: string[] = [];
    page.on('pageerror', (error) => uncaught.push(error.stack ?? error.message));
    await use(page);
    if (uncaught.length > 0) throw new Error(`uncaught in the page:\n${uncaught.join('\n\n')}`);
  },
  state: async ({ perFile }, use, testInfo) => {
    const state = await perFile.forFile(testInfo.file);
    await use(state);
    if (testInfo.status !== testInfo.expectedStatus) await reportServeLogs(state.logFile, testInfo);
  },
});

/**
 * A failed test says what its app said meanwhile: the end of serve's output and of the profile's log
 * (printed, so CI's output keeps them, and attached to the report). The folder is gone afterwards.
 */
async function reportServeLogs(logFile: string, testInfo: TestInfo): Promise<void> {
  const logs = [logFile, path.join(path.dirname(logFile), 'profile', 'logs', 'atelier.log')];
  for (const file of logs.filter((f) => existsSync(f))) {
    const tail = readFileSync(file, 'utf8').slice(-6000);
    console.error(`--- ${path.basename(file)} of this spec's atelier serve (last 6 KB) ---\n${tail}`);
    await testInfo.attach(path.basename(file), { body: tail, contentType: 'text/plain' });
  }
}
