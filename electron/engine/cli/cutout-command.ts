/** `atelier cutout`: backgrounds removed (or replaced) for files and folders. */
import { parseBackground, parseCanvas, parseShadow } from '../compose/parse';
import { intOption, numberOption, oneOf } from './batch-args';
import type { CommandModule } from './command';
import { runBatchCommand, type BatchCommandSpec } from './run-batch';

/** Values `--shadow` takes (so `--shadow photo.jpg` leaves photo.jpg an input). */
export const SHADOW_VALUE = /^(on|off|none|soft|hard|true|false|[a-z]+=[-0-9.]+(,[a-z]+=[-0-9.]+)*)$/i;

export const cutoutSpec: BatchCommandSpec = {
  command: 'cutout',
  operation: 'cutout',
  synopsis: `Usage: atelier cutout <files|folders…> --out DIR [options]
Removes the background: the subject on transparency, on a new background (--bg, --canvas, --shadow),
or its mask alone (--mask-only).`,
  optionsHelp: `Cutout options:
  --bg SPEC           new background: white, #f4f4f4, linear:#fff,#ddd,180, radial:#fff,#ccc, blur:24, image:PATH
  --shadow [SPEC]     contact shadow under the subject (soft, hard, off, or opacity=0.4,blur=30,offsetY=8)
  --canvas SPEC       marketplace canvas: amazon, etsy, shopify, instagram-portrait, story, square-2000, or 1600x1200@0.8
  --mask-only         write the mask (white subject on black) instead of the cut-out
  --trim [PADDING]    crop to the subject plus PADDING pixels (default 0)
  --edges soft|hard   soft alpha (hair, fur) or crisp edges (products, logos); default soft
  --no-refine         skip full-resolution edge refinement (faster, rougher edges)
  --mask-quality fast|best
                      best (default): a second look at photos whose mask is unsure; fast: one look
  --feather N         soften the mask edge by N pixels
  --keep-metadata     keep the photo's EXIF (the colour profile is always kept)`,
  options: {
    bg: { type: 'string' },
    shadow: { type: 'string' },
    canvas: { type: 'string' },
    'mask-only': { type: 'boolean' },
    trim: { type: 'string' },
    edges: { type: 'string' },
    'no-refine': { type: 'boolean' },
    'mask-quality': { type: 'string' },
    feather: { type: 'string' },
    'keep-metadata': { type: 'boolean' },
  },
  optionalValueFlags: { trim: /^\d+$/, shadow: SHADOW_VALUE },
  toParams(v) {
    const trim = typeof v.trim === 'string' ? (intOption(v.trim || '0', 'trim', 0, 10_000) ?? 0) : undefined;
    const feather = numberOption(v.feather as string | undefined, 'feather', 0, 200);
    const quality = intOption(v.quality as string | undefined, 'quality', 1, 100);
    return {
      ...(typeof v.model === 'string' ? { model: v.model } : {}),
      format: oneOf(v.format as string | undefined, ['png', 'webp', 'jpeg'] as const, 'format', 'png'),
      ...(quality !== undefined ? { quality } : {}),
      maskOnly: v['mask-only'] === true,
      ...(trim !== undefined ? { trim } : {}),
      edges: oneOf(v.edges as string | undefined, ['soft', 'hard'] as const, 'edges', 'soft'),
      refine: v['no-refine'] !== true,
      maskQuality: oneOf(
        v['mask-quality'] as string | undefined,
        ['fast', 'best'] as const,
        'mask-quality',
        'best',
      ),
      ...(feather !== undefined ? { feather } : {}),
      ...(typeof v.bg === 'string' ? { background: parseBackground(v.bg, '--bg') } : {}),
      ...shadowParam(v.shadow),
      ...(typeof v.canvas === 'string' ? { canvas: parseCanvas(v.canvas, '--canvas') } : {}),
      keepMetadata: v['keep-metadata'] === true,
    };
  },
};

export function shadowParam(value: string | boolean | undefined): {
  shadow?: ReturnType<typeof parseShadow> & object;
} {
  if (typeof value !== 'string') return {};
  const spec = parseShadow(value, '--shadow');
  return spec ? { shadow: spec } : {};
}

export const run: CommandModule['run'] = (argv) => runBatchCommand(cutoutSpec, argv);
