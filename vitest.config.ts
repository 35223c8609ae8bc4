import { defineConfig } from 'vitest/config';

// Unit and integration tests in plain Node. Browser end-to-end tests live in e2e/ and run through
// `npm run e2e` (Playwright), not here.
export default defineConfig({
  test: {
    include: [
      'electron/**/*.test.ts',
      'server/**/*.test.ts',
      'scripts/**/*.test.ts',
      'renderer/**/*.test.ts',
    ],
    // Limits that catch a hang, not a speed: the integration tests run real models, CLI processes and
    // servers, and on a shared 2-core machine (load 17 while six others worked) 60 s cut healthy runs
    // off (the CLI batches, the license server's PGlite start-up). Speed is measured in `npm run bench`.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
