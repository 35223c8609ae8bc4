import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { readManifest } from '../electron/engine/models/manifest';
import { repoRoot } from '../electron/engine/testing/fixtures';

// The installer ships exactly the models the manifest marks as bundled and commercially usable: a
// development-only (non-commercial) model in the package would be a licence breach.
describe('models bundled by electron-builder', () => {
  const manifest = readManifest(path.join(repoRoot, 'models', 'manifest.json'));
  const config = parse(readFileSync(path.join(repoRoot, 'electron-builder.yml'), 'utf8')) as {
    extraResources: { from: string; to: string; filter: string[] }[];
  };
  const models = config.extraResources.find((r) => r.from === 'models');

  it('never marks a non-commercial model for bundling', () => {
    const offenders = manifest.models.filter((m) => m.bundle && !m.commercialUse).map((m) => m.id);
    expect(offenders).toEqual([]);
  });

  it('packages exactly the bundled weight files, the manifest and the licences', () => {
    const weights = (models?.filter ?? []).filter((f) => f.endsWith('.onnx')).sort();
    const expected = manifest.models
      .filter((m) => m.bundle && m.commercialUse)
      .map((m) => m.file)
      .sort();
    expect(weights).toEqual(expected);
    expect(models?.filter).toContain('manifest.json');
    expect(models?.filter).toContain('licenses/**');
    expect(models?.filter.some((f) => f.includes('*') && f.endsWith('.onnx'))).toBe(false);
  });
});
