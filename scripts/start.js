// `npm start`: builds the engine bundles and the renderer, then launches the desktop app. Where no
// Electron binary was installed (ELECTRON_SKIP_BINARY_DOWNLOAD, offline machines), says how to get one
// (electron's own install.js, optionally from ELECTRON_MIRROR) or to use the same UI through
// `atelier serve` in a browser instead.
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
} catch {
  electronBinary = undefined; // electron's index.js throws when its postinstall did not download the binary
}
if (!electronBinary || !existsSync(electronBinary)) {
  const { version } = require('electron/package.json');
  console.error(
    `No Electron binary on this machine: \`npm install\` skipped its download (ELECTRON_SKIP_BINARY_DOWNLOAD)\n` +
      `or could not reach GitHub. Electron ${version} downloads it with its own install step:\n` +
      '  node node_modules/electron/install.js        (ELECTRON_MIRROR=<url> for a mirror of the releases)\n' +
      'or use the same UI in your browser:\n' +
      '  npx atelier serve',
  );
  process.exit(1);
}
// glibc reads MALLOC_ARENA_MAX only at start: two arenas keep a long batch's memory flat on Linux
// (about 30 MB of growth over 35 photos instead of 190 MB with the default, measured for the engine).
const env =
  process.platform === 'linux' && process.env.MALLOC_ARENA_MAX === undefined
    ? { ...process.env, MALLOC_ARENA_MAX: '2' }
    : process.env;
const child = spawn(electronBinary, ['.'], { stdio: 'inherit', env });
child.on('exit', (code) => process.exit(code ?? 0));
