import { defineConfig } from 'vitest/config';

// `npm test --workspace server` runs the server's tests alone; the root `npm test` includes them too.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
