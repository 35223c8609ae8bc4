#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node
// The `atelier` command: loads the bundled CLI built by `npm install` (the `prepare` script), a CommonJS
// bundle (scripts/build-engine.js says why).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/cli.cjs', import.meta.url);
if (!existsSync(entry)) {
  console.error('atelier: the CLI is not built yet — run `npm run build:engine` in the project folder');
  process.exit(1);
}

// On Linux a long batch's memory grows with glibc's per-thread malloc arenas (sharp's, onnxruntime's
// and the worker pool's threads): peak RSS 1,549 → 1,889 MiB over 100 mixed photos (1–24 MP) by
// default, 1,386 → 1,399 MiB with MALLOC_ARENA_MAX=2 (bench/batch.ts). glibc reads it only at process
// start, so the shebang above sets it (`env -S`; npm's Windows shims read the same line, where glibc
// is absent and the variable is inert). A second process started from here was tried and dropped: a
// supervisor's SIGKILL then stopped only this launcher, and Ctrl-C reached the batch twice. Started as
// `node bin/atelier.js`, set it in the environment yourself; the desktop launcher sets it too.
// npm's Windows shim reads only NAME=VALUE pairs without a second '=' here (bin-shebang.test.ts):
// GLIBC_TUNABLES=glibc.malloc.hugetlb=1, which halves a fresh model's first run on Linux, cannot go here.
createRequire(import.meta.url)(fileURLToPath(entry));
