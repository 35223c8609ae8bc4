// `npm start`: builds the engine bundles and the renderer, then launches the desktop app. Where no
// Electron binary could be installed (CI, offline machines), says so and how to use the same UI
// through `atelier serve` in a browser instead.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function run(cmd, args) {
  const result = spawnSync(cmd, args, { stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

run('node', ['scripts/build-engine.js']);
run('npx', ['vite', 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn']);

let electronBinary;
try {
  electronBinary = require('electron');
} catch (error) {
  electronBinary = undefined;
  console.error(`No Electron binary: ${error instanceof Error ? error.message.split('\n')[0] : error}`);
}
if (!electronBinary || !existsSync(electronBinary)) {
  console.error(
    'The Electron binary is not installed on this machine (it downloads on first use, which needs internet).\n' +
      'Run `npx electron install` where internet is available, or use the same UI in your browser:\n' +
      '  npx atelier serve',
  );
  process.exit(1);
}
const child = spawn(electronBinary, ['.'], { stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 0));
