/**
 * The options every batch command shares (cutout, stylize, compose, watch), parsed once here so they
 * mean the same everywhere. Operation-specific flags are added by each command.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { AtelierError } from '../errors';
import type { ConflictPolicy } from '../jobs/naming';

export const COMMON_OPTIONS = {
  out: { type: 'string', short: 'o' },
  recursive: { type: 'boolean', short: 'r' },
  format: { type: 'string' },
  quality: { type: 'string' },
  name: { type: 'string' },
  'on-conflict': { type: 'string' },
  json: { type: 'boolean' },
  profile: { type: 'string' },
  provider: { type: 'string' },
  model: { type: 'string' },
  concurrency: { type: 'string' },
  'max-pixels': { type: 'string' },
  resume: { type: 'string' },
  retry: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

export const COMMON_HELP = `Common options:
  --out DIR, -o DIR         output folder (created if missing)
  --recursive, -r           include sub-folders, mirroring the folder tree in --out
  --format png|webp|jpeg    output format (default png; jpeg has no transparency: it is flattened on white)
  --quality N               webp/jpeg quality 1-100 (default 90)
  --name TEMPLATE           output file name: {name} {ext} {model} (default "{name}.{ext}")
  --on-conflict skip|overwrite|suffix   when the output exists (default skip: re-runs redo nothing)
  --model ID                model to use (atelier models lists them)
  --provider auto|cpu|gpu   execution provider (default auto: GPU when usable, else CPU, and says why)
  --concurrency N           images in flight at once (default tuned to cores and provider)
  --max-pixels N            refuse larger images (default 100000000)
  --json                    one JSON result per line on stdout (input, output, provider, timings, error)
  --resume [BATCH_ID]       finish an interrupted batch (default: the last unfinished one)
  --retry                   with --resume: run the batch's failed items again too
  --profile DIR             profile folder (history, settings); default ATELIER_HOME or the OS default
Exit status: 0 all succeeded, 2 some failed (each listed), 1 usage error.`;

/**
 * node:util's parseArgs has no "optional value" flags; `--resume` and `--trim` take one. A following
 * token is taken as their value only when it looks like one (a batch id, a number), so
 * `atelier cutout --trim photo.jpg` still treats photo.jpg as an input.
 */
export function normalizeOptionalValues(argv: readonly string[], flags: Record<string, RegExp>): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const pattern = flags[arg.replace(/^--/, '')];
    if (arg.startsWith('--') && !arg.includes('=') && pattern) {
      const next = argv[i + 1];
      if (next !== undefined && pattern.test(next)) {
        out.push(`${arg}=${next}`);
        i++;
      } else {
        out.push(`${arg}=`);
      }
      continue;
    }
    out.push(arg);
  }
  return out;
}

export const BATCH_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function parseCommandArgs<O extends ParseArgsConfig['options']>(
  command: string,
  argv: readonly string[],
  options: O,
  optionalValueFlags: Record<string, RegExp> = {},
) {
  const args = normalizeOptionalValues(argv, { resume: BATCH_ID_PATTERN, ...optionalValueFlags });
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (cause) {
    const message = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
    throw new AtelierError('USAGE', `atelier ${command}: ${message}`, {
      hint: `run \`atelier ${command} --help\` for its options`,
    });
  }
}

export function oneOf<T extends string>(
  value: string | undefined,
  allowed: readonly T[],
  flag: string,
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new AtelierError('USAGE', `--${flag} must be one of ${allowed.join(', ')} (got "${value}")`, {
    hint: `for example --${flag} ${allowed[0]}`,
  });
}

export function intOption(
  value: string | undefined,
  flag: string,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
    throw new AtelierError(
      'USAGE',
      `--${flag} must be a whole number from ${min} to ${max} (got "${value}")`,
      {
        hint: `for example --${flag} ${min}`,
      },
    );
  }
  return n;
}

export function numberOption(
  value: string | undefined,
  flag: string,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
    throw new AtelierError('USAGE', `--${flag} must be a number from ${min} to ${max} (got "${value}")`, {
      hint: `for example --${flag} ${min}`,
    });
  }
  return n;
}

export const CONFLICT_POLICIES: readonly ConflictPolicy[] = ['skip', 'overwrite', 'suffix'];
