import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../electron/engine/testing/fixtures';

// The macOS hardened runtime: only the entitlements the app needs (issue 15, finding 12).
describe('macOS entitlements', () => {
  const builder = parse(readFileSync(path.join(repoRoot, 'electron-builder.yml'), 'utf8')) as {
    asarUnpack: string[];
    mac: { hardenedRuntime: boolean; entitlements: string; entitlementsInherit: string };
  };
  const plist = readFileSync(path.join(repoRoot, builder.mac.entitlements), 'utf8');
  // Keys outside comments only: the file explains in a comment why one is absent.
  const keys = [...plist.replace(/<!--[\s\S]*?-->/g, '').matchAll(/<key>([^<]+)<\/key>/g)].map((m) => m[1]);

  it('finding 12: the hardened runtime keeps library validation on (no disable-library-validation)', () => {
    expect(builder.mac.hardenedRuntime).toBe(true);
    expect(builder.mac.entitlementsInherit).toBe(builder.mac.entitlements);
    expect(keys).not.toContain('com.apple.security.cs.disable-library-validation');
    expect(keys).toEqual(['com.apple.security.cs.allow-jit']);
  });

  it('finding 12: every native module is unpacked from the asar, so it is signed with the app', () => {
    for (const unpacked of [
      '**/*.node',
      'node_modules/onnxruntime-node/**',
      'node_modules/sharp/**',
      'node_modules/@img/**',
      'node_modules/better-sqlite3/**',
      'node_modules/keytar/**',
    ])
      expect(builder.asarUnpack).toContain(unpacked);
  });
});
