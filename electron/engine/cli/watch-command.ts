/**
 * `atelier watch IN --out OUT --op cutout|stylize|compose [that command's options]`: processes images
 * as they land in IN (sub-folders mirrored in OUT) until Ctrl-C. Images already in IN whose output is
 * missing or older are processed at start.
 */
import path from 'node:path';
import { AtelierError } from '../errors';
import { resolveProfileDir } from '../profile';
import { COMMON_HELP, COMMON_OPTIONS, intOption, oneOf, parseCommandArgs } from './batch-args';
import type { CommandModule } from './command';
import { composeSpec } from './compose-command';
import { cutoutSpec } from './cutout-command';
import { isImageName } from '../jobs/inputs';
import { DEFAULT_NAME_TEMPLATE, renderName } from '../jobs/naming';
import { ensureWritableDir } from '../jobs/output-dir';
import type { BatchCommandSpec } from './run-batch';
import { stylizeSpec } from './stylize-command';

const SPECS: Record<string, BatchCommandSpec> = {
  cutout: cutoutSpec,
  stylize: stylizeSpec,
  compose: composeSpec,
};

const SYNOPSIS = `Usage: atelier watch IN --out OUT --op cutout|stylize|compose [options of that command]
Processes images as they land in folder IN (and its sub-folders, mirrored in OUT) until Ctrl-C.
  --op NAME        the operation (default cutout); its options are those of \`atelier NAME --help\`
  --settle MS      wait until a file's size is unchanged this long before processing it (default 800)
  --no-existing    ignore the images already in IN at start
  --poll           poll the folder instead of file-system events (network drives)`;

function opFrom(argv: readonly string[]): string {
  const i = argv.findIndex((a) => a === '--op' || a.startsWith('--op='));
  if (i < 0) return 'cutout';
  const arg = argv[i] ?? '';
  return arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : (argv[i + 1] ?? '');
}

export const run: CommandModule['run'] = async (argv) => {
  const opName = opFrom(argv);
  const spec = SPECS[opName];
  if (!spec) {
    throw new AtelierError(
      'USAGE',
      `atelier watch: --op must be one of ${Object.keys(SPECS).join(', ')} (got "${opName}")`,
      {
        hint: 'for example --op cutout',
      },
    );
  }
  const { values: parsed, positionals } = parseCommandArgs(
    'watch',
    argv,
    {
      ...COMMON_OPTIONS,
      ...spec.options,
      op: { type: 'string' },
      settle: { type: 'string' },
      'no-existing': { type: 'boolean' },
      poll: { type: 'boolean' },
    },
    spec.optionalValueFlags,
  );
  const values = parsed as Record<string, string | boolean | undefined>;
  if (values.help) {
    console.log(`${SYNOPSIS}\n\n${spec.optionsHelp}\n\n${COMMON_HELP}`);
    return 0;
  }
  const [input, ...extra] = positionals;
  if (!input || extra.length > 0 || typeof values.out !== 'string') {
    console.error(`atelier watch: give one folder to watch and --out DIR\n\n${SYNOPSIS}`);
    return 1;
  }
  const inputDir = path.resolve(input);
  const outDir = path.resolve(values.out);
  const settleMs = intOption(values.settle as string | undefined, 'settle', 50, 600_000) ?? 800;
  const provider = oneOf(
    values.provider as string | undefined,
    ['auto', 'cpu', 'gpu'] as const,
    'provider',
    'auto',
  );
  const concurrency = intOption(values.concurrency as string | undefined, 'concurrency', 1, 64);
  const maxPixels = intOption(values['max-pixels'] as string | undefined, 'max-pixels', 1, 2_000_000_000);
  const params = spec.toParams(values);
  ensureWritableDir(outDir);

  const { Engine } = await import('../engine');
  const engine = await Engine.open({
    profileDir: resolveProfileDir(values.profile as string | undefined),
    provider,
    ...(concurrency ? { concurrency } : {}),
    ...(maxPixels ? { maxPixels } : {}),
  });
  const op = engine.bind(spec.operation, params);
  const template = (values.name as string | undefined) ?? DEFAULT_NAME_TEMPLATE;
  const json = values.json === true;
  let failed = 0;
  let done = 0;
  const watcher = await engine.watchFolder(spec.operation, params, {
    inputDir,
    outputDir: outDir,
    outputFor: (file) =>
      path.join(
        outDir,
        path.relative(inputDir, path.dirname(file)),
        renderName(template, { input: file, format: op.format, model: op.model }),
      ),
    accept: isImageName,
    settleMs,
    processExisting: values['no-existing'] !== true,
    usePolling: values.poll === true,
  });
  watcher.on('result', (r) => {
    if (json) console.log(JSON.stringify(r));
    if (r.status === 'failed') {
      failed += 1;
      console.error(
        `failed: ${r.error?.hint ? `${r.error.message} — ${r.error.hint}` : (r.error?.message ?? r.input)}`,
      );
    } else if (r.status === 'done') {
      done += 1;
      if (!json)
        console.error(
          `done: ${path.relative(inputDir, r.input)} → ${r.output} (${Math.round(r.timings.total)} ms)`,
        );
    }
  });
  watcher.on('error', (e) => console.error(`watch error: ${e.message}`));
  console.error(`watching ${inputDir} → ${outDir} (${spec.operation}); Ctrl-C to stop`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  console.error('stopping after the images in progress…');
  await watcher.close();
  await engine.close();
  console.error(`${done} done, ${failed} failed — batch ${watcher.batch.id}`);
  return failed > 0 ? 2 : 0;
};
