// Bundles the Node-side entry points with esbuild so `npx atelier` starts fast and the Electron main
// process and preload load plain JavaScript. Dependencies stay external (native modules among them).
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import path from 'node:path';

// What never goes into a shipped bundle: test support, tests, and the license server (its own package).
const forbidden = [
  { test: /[\\/]electron[\\/]engine[\\/]testing[\\/]/, why: 'test support (electron/engine/testing/)' },
  { test: /\.test\.ts$/, why: 'a test file' },
  { test: /[\\/]server[\\/]src[\\/]/, why: 'the license server (server/)' },
];
const productionOnly = {
  name: 'production-only',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, (args) => {
      const rule = forbidden.find((f) => f.test.test(args.path));
      if (!rule) return undefined;
      return {
        errors: [
          {
            text: `${path.relative(process.cwd(), args.path)} is ${rule.why}: production code must not import it`,
          },
        ],
      };
    });
  },
};

const common = {
  plugins: [productionOnly],
  bundle: true,
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
};

const entries = [
  // CommonJS: Node loads it with require, without the ES module loader's work on every CommonJS package
  // it imports (sharp, better-sqlite3, piscina…): `atelier` starts ~100 ms sooner, in every process.
  { entryPoints: ['electron/engine/cli.ts'], outfile: 'dist/cli.cjs', format: 'cjs' },
  {
    entryPoints: ['electron/main/main.ts'],
    outfile: 'dist/electron/main.cjs',
    format: 'cjs',
    external: ['electron'],
  },
  {
    entryPoints: ['electron/preload/preload.ts'],
    outfile: 'dist/electron/preload.cjs',
    format: 'cjs',
    external: ['electron'],
  },
  // The pixel worker pool's thread entry (electron/engine/workers/pool.ts looks for it beside the
  // bundle that started the pool: dist/ for the CLI and serve, dist/electron/ for the Electron main).
  // CommonJS too: a thread starts ~70 ms sooner than from an ES module (sharp loaded with require).
  {
    entryPoints: ['electron/engine/workers/pixel-worker.ts'],
    outfile: 'dist/pixel-worker.cjs',
    format: 'cjs',
  },
  {
    entryPoints: ['electron/engine/workers/pixel-worker.ts'],
    outfile: 'dist/electron/pixel-worker.cjs',
    format: 'cjs',
  },
  // The inference thread's entry (onnxruntime only; electron/engine/workers/inference.ts).
  {
    entryPoints: ['electron/engine/workers/inference-worker.ts'],
    outfile: 'dist/inference-worker.cjs',
    format: 'cjs',
  },
  {
    entryPoints: ['electron/engine/workers/inference-worker.ts'],
    outfile: 'dist/electron/inference-worker.cjs',
    format: 'cjs',
  },
];

// The engine locates its models folder with import.meta.url; in a CommonJS bundle (Electron) that is
// derived from __filename instead.
const cjsImportMeta = {
  define: { 'import.meta.url': 'importMetaUrl' },
  banner: { js: "const importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
};

for (const entry of entries) {
  if (!existsSync(entry.entryPoints[0])) continue;
  await build({ ...common, ...(entry.format === 'cjs' ? cjsImportMeta : {}), ...entry });
}
