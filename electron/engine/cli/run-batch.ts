/**
 * The shared body of the batch commands (cutout, stylize, compose): parse the common options, open
 * the engine, expand inputs, plan outputs (names, conflicts, refusals), run the batch with a progress
 * bar (TTY) or JSON lines, cancel cleanly on Ctrl-C, and print the summary. Each command supplies
 * only its own flags and how they map to the operation's params.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ParseArgsConfig } from 'node:util';
import type { Engine } from '../engine';
import type { BatchRun } from '../jobs/queue';
import type { OperationName, OperationResult } from '../operations/types';
import { resolveProfileDir } from '../profile';
import {
  COMMON_HELP,
  COMMON_OPTIONS,
  CONFLICT_POLICIES,
  intOption,
  oneOf,
  parseCommandArgs,
} from './batch-args';
import { DEFAULT_NAME_TEMPLATE } from '../jobs/naming';
import { planBatch } from '../jobs/plan';
import { ProgressBar } from './progress-bar';
import { exitCodeFor, formatSummary, summarize } from './summary';

type Values = Record<string, string | boolean | undefined>;

export interface BatchCommandSpec {
  command: string;
  operation: OperationName;
  /** First help line(s): usage and what the command does. */
  synopsis: string;
  /** Help for the command's own flags. */
  optionsHelp: string;
  options: ParseArgsConfig['options'];
  optionalValueFlags?: Record<string, RegExp>;
  /** The operation's raw params from the flags (validated by the operation's schema). */
  toParams(values: Values): Record<string, unknown>;
}

export async function runBatchCommand(spec: BatchCommandSpec, argv: readonly string[]): Promise<number> {
  const { values: parsed, positionals } = parseCommandArgs(
    spec.command,
    argv,
    { ...COMMON_OPTIONS, ...spec.options },
    spec.optionalValueFlags,
  );
  const values = parsed as Values;
  if (values.help) {
    console.log(`${spec.synopsis}\n\n${spec.optionsHelp}\n\n${COMMON_HELP}`);
    return 0;
  }
  const resume = typeof values.resume === 'string';
  if (!resume && positionals.length === 0) {
    return usageError(spec, 'give at least one file or folder');
  }
  if (!resume && typeof values.out !== 'string') {
    return usageError(spec, '--out DIR is required');
  }
  const onConflict = oneOf(
    values['on-conflict'] as string | undefined,
    CONFLICT_POLICIES,
    'on-conflict',
    'skip',
  );
  const concurrency = intOption(values.concurrency as string | undefined, 'concurrency', 1, 64);
  const maxPixels = intOption(values['max-pixels'] as string | undefined, 'max-pixels', 1, 2_000_000_000);
  const provider = oneOf(
    values.provider as string | undefined,
    ['auto', 'cpu', 'gpu'] as const,
    'provider',
    'auto',
  );
  const params = resume ? undefined : spec.toParams(values);
  // Nothing given exists (a mistyped folder, an example path): say so and record no batch in history.
  const absent = resume ? [] : positionals.filter((p) => !existsSync(path.resolve(p)));
  if (absent.length > 0 && absent.length === positionals.length) {
    for (const p of absent)
      console.error(`atelier ${spec.command}: no such file or folder: ${path.resolve(p)}`);
    console.error('Nothing was processed or recorded. Check the path (quote paths with spaces).');
    return 2;
  }

  const { Engine } = await import('../engine');
  const { batchPoolSize } = await import('../workers/pool');
  const engine = await Engine.open({
    profileDir: resolveProfileDir(values.profile as string | undefined),
    provider,
    ...(concurrency ? { concurrency } : {}),
    ...(maxPixels ? { maxPixels } : {}),
    defaultWorkers: batchPoolSize(),
  });
  try {
    let run: BatchRun;
    if (resume) {
      const id = (values.resume as string) || undefined;
      run = engine.jobs.resume(id, { retryFailed: values.retry === true });
    } else {
      await preflight(engine, spec, params ?? {});
      run = startBatch(engine, spec, positionals, values, params ?? {}, onConflict);
    }
    return await follow(run, values.json === true, commandLine(spec.command, values.profile));
  } finally {
    await engine.close();
  }
}

/**
 * Loads the model once before planning: a missing or corrupt model, or `--provider gpu` without a
 * GPU, is one clear error for the whole batch rather than the same error once per image.
 */
async function preflight(
  engine: Engine,
  spec: BatchCommandSpec,
  params: Record<string, unknown>,
): Promise<void> {
  const op = engine.bind(spec.operation, params);
  if (op.model === 'none') return;
  const provider = (op.params as { provider?: 'auto' | 'cpu' | 'gpu' }).provider ?? engine.provider;
  // The first photo's decode needs a pool thread: it starts loading while the model does.
  await Promise.all([engine.sessions.load(op.model, provider), engine.warmPool()]);
}

function startBatch(
  engine: Engine,
  spec: BatchCommandSpec,
  inputs: readonly string[],
  values: Values,
  params: Record<string, unknown>,
  onConflict: 'skip' | 'overwrite' | 'suffix',
): BatchRun {
  const op = engine.bind(spec.operation, params);
  return engine.jobs.start(
    planBatch(op, {
      inputs,
      outputDir: values.out as string,
      template: (values.name as string | undefined) ?? DEFAULT_NAME_TEMPLATE,
      onConflict,
      recursive: values.recursive === true,
      outputDirPolicy: { profileRoot: engine.paths.root },
    }),
  );
}

/** Streams results (JSON lines or error lines), draws progress, handles Ctrl-C, prints the summary. */
async function follow(run: BatchRun, json: boolean, command: string): Promise<number> {
  const bar = new ProgressBar();
  const started = performance.now();
  run.on('progress', (p) => bar.update(p));
  run.on('item', (e) => {
    if (e.stage !== 'finished') return;
    const r: OperationResult = e.result;
    if (json) console.log(JSON.stringify(r));
    if (r.status === 'cancelled' && r.error && r.error.code !== 'CANCELLED') {
      bar.log(`stopped: ${r.error.hint ? `${r.error.message} — ${r.error.hint}` : r.error.message}`);
    } else if (r.status === 'failed' && r.error) {
      bar.log(`failed: ${r.error.hint ? `${r.error.message} — ${r.error.hint}` : r.error.message}`);
    } else if (r.note && !json) {
      bar.log(`note: ${path.basename(r.input)}: ${r.note}`);
    }
  });
  let interrupts = 0;
  const onSignal = () => {
    interrupts += 1;
    if (interrupts > 1) process.exit(130);
    bar.log(
      `stopping after the images in progress (Ctrl-C again to quit now); resume with --resume ${run.batch.id}`,
    );
    run.cancel();
  };
  // Node exits with status 0 when nothing is left to wait on, even mid-batch: a task that can never
  // settle (piscina once stranded one after a Ctrl-C) must end as a failure that says how to go on.
  const onStranded = () => {
    bar.clear();
    console.error(
      `atelier: the batch stopped before it finished (an internal error)\nResume the rest with: ${command} --resume ${run.batch.id}`,
    );
    process.exitCode = 2;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.once('beforeExit', onStranded);
  try {
    const outcome = await run.finished;
    bar.update(outcome.progress, true);
    bar.clear();
    const summary = summarize(run.batch.id, outcome.results, performance.now() - started);
    summary.command = command;
    // On resume the earlier run's items count too: report the whole batch's progress.
    summary.total = outcome.progress.total;
    summary.done = outcome.progress.done;
    summary.skipped = outcome.progress.skipped;
    summary.earlierFailures = outcome.progress.failed - summary.failed;
    summary.failed = outcome.progress.failed;
    console.error(formatSummary(summary));
    return exitCodeFor(summary);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('beforeExit', onStranded);
  }
}

/** The command that reruns this batch (with the same --profile), as a person would type it. */
function commandLine(command: string, profile: string | boolean | undefined): string {
  if (typeof profile !== 'string') return `atelier ${command}`;
  const dir = resolveProfileDir(profile);
  return `atelier ${command} --profile ${/^[\w./:@%+=,-]+$/.test(dir) ? dir : JSON.stringify(dir)}`;
}

function usageError(spec: BatchCommandSpec, message: string): number {
  console.error(
    `atelier ${spec.command}: ${message}\n\n${spec.synopsis}\nRun \`atelier ${spec.command} --help\` for all options.`,
  );
  return 1;
}
