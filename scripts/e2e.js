// `npm run e2e`: builds the engine bundles and the renderer, then runs Playwright (Debian's Chromium),
// in a keyring session of its own where the machine has none (keyring-session.js).
import { spawnSync } from 'node:child_process';
import { inKeyringSession } from './keyring-session.js';

inKeyringSession();

function run(cmd, args) {
  const result = spawnSync(cmd, args, { stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

run('node', ['scripts/build-engine.js']);
run('npx', ['vite', 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn']);
run('npx', ['playwright', 'test', '-c', 'e2e/playwright.config.ts', ...process.argv.slice(2)]);
