/**
 * Quiet installs (issue 23): every locked package accepts the oldest Node our `engines` field
 * allows, so `npm install` on a supported Node prints no EBADENGINE warning. When an update pulls
 * in a package that wants a newer Node, this names it: pin or override it (see `overrides` in
 * package.json for the two we have), or raise `engines` everywhere, CI included.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../electron/engine/testing/fixtures';

interface LockedPackage {
  version?: string;
  engines?: { node?: string } | string[];
}

const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
  engines: { node: string };
};
const lock = JSON.parse(readFileSync(path.join(repoRoot, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, LockedPackage>;
};

describe('engines', () => {
  const oldestNode = semver.minVersion(manifest.engines.node);

  it('names a lowest supported Node', () => {
    expect(oldestNode?.version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('every locked package accepts the lowest supported Node', () => {
    const refusing: string[] = [];
    for (const [where, pkg] of Object.entries(lock.packages)) {
      // npm ignores the old array form of `engines`; so do we.
      const wanted = Array.isArray(pkg.engines) ? undefined : pkg.engines?.node;
      if (!where || !wanted || !oldestNode) continue;
      if (!semver.satisfies(oldestNode, wanted, { includePrerelease: true })) {
        refusing.push(`${where.replace(/^.*node_modules\//, '')}@${pkg.version} wants Node ${wanted}`);
      }
    }
    expect(refusing).toEqual([]);
  });
});
