#!/usr/bin/env node
// The `atelier` command: loads the bundled CLI built by `npm install` (the `prepare` script).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(entry)) {
  console.error('atelier: the CLI is not built yet — run `npm run build:engine` in the project folder');
  process.exit(1);
}

// On Linux a long batch's memory grows with glibc's per-thread malloc arenas (sharp's, onnxruntime's
// and the worker pool's threads): about 190 MB over 35 photos, against about 30 MB with
// MALLOC_ARENA_MAX=2. glibc reads it only at process start and Node 20 cannot re-exec itself in place;
// starting a second process here was tried and dropped, because a supervisor's SIGKILL then stopped
// only this launcher and left the batch running, and Ctrl-C reached the batch twice. The desktop app's
// launcher sets it (scripts/start.js); for very long CLI batches on Linux, set it in the environment.
await import(entry.href);
