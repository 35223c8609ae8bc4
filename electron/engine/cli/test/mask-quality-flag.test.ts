/** `--mask-quality fast|best` on `atelier cutout`: parsed into the params, validated with a clear error. */
import { describe, expect, it } from 'vitest';
import { cutoutParamsSchema } from '../../operations/cutout';
import { cutoutSpec } from '../cutout-command';

describe('--mask-quality', () => {
  it('defaults to best and takes fast', () => {
    expect(cutoutSpec.toParams({}).maskQuality).toBe('best');
    expect(cutoutSpec.toParams({ 'mask-quality': 'fast' }).maskQuality).toBe('fast');
    expect(cutoutParamsSchema.parse({}).maskQuality).toBe('best');
  });

  it('refuses anything else, naming the flag and the values', () => {
    expect(() => cutoutSpec.toParams({ 'mask-quality': 'ultra' })).toThrow(
      /--mask-quality must be one of fast, best \(got "ultra"\)/,
    );
    expect(cutoutParamsSchema.safeParse({ maskQuality: 'ultra' }).success).toBe(false);
  });
});
