/** `atelier compose --reference REF`: cut-out subjects placed into, tinted toward, or backed by a reference picture. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { AtelierError } from '../errors';
import { intOption, numberOption, oneOf } from './batch-args';
import type { CommandModule } from './command';
import { SHADOW_VALUE, shadowParam } from './cutout-command';
import { runBatchCommand, type BatchCommandSpec } from './run-batch';

export const composeSpec: BatchCommandSpec = {
  command: 'compose',
  operation: 'compose',
  synopsis: `Usage: atelier compose <files|folders…> --reference REF --out DIR [options]
Cuts out each photo's subject and composes it with a reference picture.`,
  optionsHelp: `Compose options:
  --reference FILE    the reference picture (required)
  --mode place|harmonize|backdrop
                      place: the subject into the reference, on its floor, with a shadow (default)
                      harmonize: the cut-out on transparency, its colours nudged toward the reference
                      backdrop: a studio backdrop from the reference's palette behind the subject
  --strength X        colour harmonization 0..1 (default 0.5)
  --style gradient|sweep   backdrop style (default sweep)
  --shadow [SPEC]     contact shadow: soft, hard, off, or opacity=0.4,blur=30 (default soft)
  --no-refine         skip full-resolution edge refinement
  --keep-metadata     keep the photo's EXIF (the colour profile is always kept)`,
  options: {
    reference: { type: 'string' },
    mode: { type: 'string' },
    strength: { type: 'string' },
    style: { type: 'string' },
    shadow: { type: 'string' },
    'no-refine': { type: 'boolean' },
    'keep-metadata': { type: 'boolean' },
  },
  optionalValueFlags: { shadow: SHADOW_VALUE },
  toParams(v) {
    if (typeof v.reference !== 'string') {
      throw new AtelierError('USAGE', 'atelier compose: --reference FILE is required', {
        hint: 'for example --reference studio.jpg',
      });
    }
    const reference = path.resolve(v.reference);
    if (!existsSync(reference)) {
      throw new AtelierError('USAGE', `--reference: no such file ${reference}`, {
        hint: 'check the path of the reference picture (quote paths with spaces)',
        file: reference,
      });
    }
    const strength = numberOption(v.strength as string | undefined, 'strength', 0, 1);
    const quality = intOption(v.quality as string | undefined, 'quality', 1, 100);
    return {
      reference,
      mode: oneOf(v.mode as string | undefined, ['place', 'harmonize', 'backdrop'] as const, 'mode', 'place'),
      ...(strength !== undefined ? { strength } : {}),
      style: oneOf(v.style as string | undefined, ['gradient', 'sweep'] as const, 'style', 'sweep'),
      ...(typeof v.shadow === 'string' ? { shadow: shadowParam(v.shadow).shadow ?? null } : {}),
      ...(typeof v.model === 'string' ? { model: v.model } : {}),
      refine: v['no-refine'] !== true,
      format: oneOf(v.format as string | undefined, ['png', 'webp', 'jpeg'] as const, 'format', 'png'),
      ...(quality !== undefined ? { quality } : {}),
      keepMetadata: v['keep-metadata'] === true,
    };
  },
};

export const run: CommandModule['run'] = (argv) => runBatchCommand(composeSpec, argv);
