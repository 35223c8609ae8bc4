/** `atelier stylize`: photos restyled with a style model (anime, painted looks). */
import { intOption, numberOption, oneOf } from './batch-args';
import type { CommandModule } from './command';
import { runBatchCommand, type BatchCommandSpec } from './run-batch';

export const stylizeSpec: BatchCommandSpec = {
  command: 'stylize',
  operation: 'stylize',
  synopsis: `Usage: atelier stylize <files|folders…> --out DIR [options]
Restyles photos with a style model (atelier models lists them; default anime-facepaint).`,
  optionsHelp: `Stylize options:
  --strength X        0..1, how much of the look replaces the original (default 1)
  --size N            long side the look is computed at, 64..8192 (default 1024)
  --mode full|subject|background   restyle everything, or only the subject or its background
  --matte-model ID    cutout model that finds the subject for subject/background modes (default u2netp)
  --keep-metadata     keep the photo's EXIF (the colour profile is always kept)`,
  options: {
    strength: { type: 'string' },
    size: { type: 'string' },
    mode: { type: 'string' },
    'matte-model': { type: 'string' },
    'keep-metadata': { type: 'boolean' },
  },
  toParams(v) {
    const strength = numberOption(v.strength as string | undefined, 'strength', 0, 1);
    const size = intOption(v.size as string | undefined, 'size', 64, 8192);
    const quality = intOption(v.quality as string | undefined, 'quality', 1, 100);
    return {
      ...(typeof v.model === 'string' ? { model: v.model } : {}),
      format: oneOf(v.format as string | undefined, ['png', 'webp', 'jpeg'] as const, 'format', 'png'),
      ...(quality !== undefined ? { quality } : {}),
      ...(strength !== undefined ? { strength } : {}),
      ...(size !== undefined ? { processingSize: size } : {}),
      mode: oneOf(v.mode as string | undefined, ['full', 'subject', 'background'] as const, 'mode', 'full'),
      ...(typeof v['matte-model'] === 'string' ? { matteModel: v['matte-model'] } : {}),
      keepMetadata: v['keep-metadata'] === true,
    };
  },
};

export const run: CommandModule['run'] = (argv) => runBatchCommand(stylizeSpec, argv);
