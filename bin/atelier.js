#!/usr/bin/env node
// The `atelier` command: loads the bundled CLI built by `npm install` (the `prepare` script).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(entry)) {
  console.error('atelier: the CLI is not built yet — run `npm run build:engine` in the project folder');
  process.exit(1);
}

// glibc gives every thread that allocates its own malloc arena (up to 8 per core) and rarely hands
// their memory back: with sharp's, onnxruntime's and the worker pool's threads, a long batch's RSS
// grew by about 190 MB over 35 photos, against about 30 MB with two arenas. glibc reads
// MALLOC_ARENA_MAX only at process start, so on Linux the command starts itself once more with it set
// (about 40 ms), unless the caller already chose a value.
if (process.platform === 'linux' && process.env.MALLOC_ARENA_MAX === undefined) {
  const child = spawn(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    { stdio: 'inherit', env: { ...process.env, MALLOC_ARENA_MAX: '2' } },
  );
  // Ctrl-C reaches both processes (one process group): the child decides how to stop; a signal sent to
  // this process alone (a supervisor's SIGTERM) is passed on.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      if (signal !== 'SIGINT') child.kill(signal);
    });
  }
  child.on('error', (error) => {
    console.error(`atelier: could not start: ${error.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    } else process.exit(code ?? 1);
  });
} else {
  await import(entry.href);
}
