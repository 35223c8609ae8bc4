/**
 * Shared test helpers (the one place for them): temporary profiles and the paths of ../shared's
 * fixtures and model mirror. This folder (electron/engine/testing/) is THE test-support tree: used only
 * by tests, benchmarks and galleries, never by product code (eslint, tsconfig.production.json,
 * scripts/build-engine.js and scripts/architecture.test.ts each refuse that).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const sharedDir = path.resolve(repoRoot, '..', 'shared');
export const rembgImages = path.join(sharedDir, 'fixtures', 'rembg', 'images');
export const rembgExpected = path.join(sharedDir, 'fixtures', 'rembg', 'expected');
export const FIXTURE_PHOTOS = ['anime-girl-1', 'car-1', 'cloth-1', 'plants-1'] as const;

export function fixturePhoto(name: (typeof FIXTURE_PHOTOS)[number]): string {
  return path.join(rembgImages, `${name}.jpg`);
}

/** A fresh temporary directory, removed by the returned cleanup. */
export function tempDir(prefix = 'atelier-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
