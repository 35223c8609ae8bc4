import { defineConfig } from '@playwright/test';

// The UI in Debian's Chromium through `atelier serve`, with the real engine, models and license server.
export default defineConfig({
  testDir: '.',
  testMatch: ['browser/**/*.spec.ts', 'electron/**/*.spec.ts'],
  globalSetup: './browser/global-setup.ts',
  timeout: 120_000,
  expect: { timeout: 60_000 },
  workers: 1,
  // `npm test` asks for a JSON report too, to name the failed tests under its summary.
  reporter: process.env.ATELIER_E2E_REPORT
    ? [['list'], ['json', { outputFile: process.env.ATELIER_E2E_REPORT }]]
    : [['list']],
  use: {
    viewport: { width: 1280, height: 800 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-quic',
      ],
    },
  },
});
