import { defineConfig } from 'vitest/config';

// `npm test --workspace server` runs the server's tests alone; the root `npm test` includes them too.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Limits that catch a hang, not a speed: the integration tests run real models, CLI processes and
    // servers, and on a shared 2-core machine (load 17 while six others worked) 60 s cut healthy runs
    // off (the CLI batches, the license server's PGlite start-up). Speed is measured in `npm run bench`.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
  },
});
