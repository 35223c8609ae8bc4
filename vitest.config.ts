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
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
