import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../electron/engine/testing/fixtures';
import {
  NODE_PLATFORM,
  filePatterns,
  filesUnder,
  packs,
  productionPackages,
  readBuilderConfig,
  readLockfile,
  type BuilderOs,
} from './packaging';

// The installer holds only the app: no package of the license server (its own workspace), no second
// copy of what Vite already bundled, and only the target platform's onnxruntime binaries.
const TARGETS: [BuilderOs, string][] = [
  ['win', 'x64'],
  ['win', 'arm64'],
  ['mac', 'arm64'],
  ['linux', 'x64'],
  ['linux', 'arm64'],
];
const lock = readLockfile(repoRoot);
const config = readBuilderConfig(repoRoot);
const rootPackage = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  workspaces: string[];
};
const serverPackage = JSON.parse(readFileSync(path.join(repoRoot, 'server', 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
};

describe('what electron-builder would pack', () => {
  it.each(TARGETS)('%s-%s: the production tree holds no server package and no workspace', (os, arch) => {
    const app = productionPackages(lock, NODE_PLATFORM[os], arch);
    expect(app.length).toBeGreaterThan(5);
    expect(app.filter((p) => p.workspace).map((p) => p.key)).toEqual([]);
    const serverDeps = Object.keys(serverPackage.dependencies);
    expect(app.filter((p) => serverDeps.includes(p.name)).map((p) => p.key)).toEqual([]);
    // The server's own tree is real and large; none of it is reachable from the app's.
    const appKeys = new Set(app.map((p) => p.key));
    const serverOnly = productionPackages(lock, NODE_PLATFORM[os], arch, 'server').filter(
      (p) => !appKeys.has(p.key),
    );
    expect(serverOnly.length).toBeGreaterThan(20);
  });

  it('keeps the server a workspace and the renderer libraries out of the app dependencies', () => {
    expect(rootPackage.workspaces).toContain('server');
    for (const bundled of ['react', 'react-dom', 'zustand', 'fastify', 'pg', '@electric-sql/pglite'])
      expect(Object.keys(rootPackage.dependencies)).not.toContain(bundled);
    expect(packs(filePatterns(config, 'win', 'x64'), 'node_modules/@atelier/license-server/src/app.ts')).toBe(
      false,
    );
  });

  const runtimeFiles = filesUnder(repoRoot, 'node_modules/onnxruntime-node/bin').map((f) => f.file);
  it('sees onnxruntime binaries for every platform here (so the next test means something)', () => {
    for (const [os, arch] of TARGETS)
      expect(runtimeFiles.some((f) => f.includes(`/${NODE_PLATFORM[os]}/${arch}/`))).toBe(true);
  });

  it.each(TARGETS)('%s-%s: packs only its own onnxruntime binaries', (os, arch) => {
    const patterns = filePatterns(config, os, arch);
    const packed = runtimeFiles.filter((f) => packs(patterns, f));
    const own = new RegExp(`^node_modules/onnxruntime-node/bin/napi-v\\d+/${NODE_PLATFORM[os]}/${arch}/`);
    expect(packed.length).toBeGreaterThan(0);
    expect(packed.filter((f) => !own.test(f))).toEqual([]);
    expect(runtimeFiles.filter((f) => own.test(f) && !packed.includes(f))).toEqual([]);
    // The JavaScript side of the runtime still ships.
    expect(packs(patterns, 'node_modules/onnxruntime-node/dist/index.js')).toBe(true);
  });

  it('builds macOS for Apple silicon only (onnxruntime-node has no darwin-x64 binary)', () => {
    const mac = (config as { mac?: { target?: { arch?: string[] }[] } }).mac;
    const arches = (mac?.target ?? []).flatMap((t) => t.arch ?? []);
    expect(arches).toEqual(['arm64']);
    expect(runtimeFiles.some((f) => f.includes('/darwin/x64/'))).toBe(false);
  });
});
