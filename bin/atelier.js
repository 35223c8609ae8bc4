#!/usr/bin/env node
// The `atelier` command: loads the bundled CLI built by `npm install` (the `prepare` script).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(entry)) {
  console.error('atelier: the CLI is not built yet — run `npm run build:engine` in the project folder');
  process.exit(1);
}
await import(entry.href);
