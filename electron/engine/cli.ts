/**
 * The `atelier` command line: one host of the engine, like the Electron main process and `atelier serve`.
 * Each command lives in its own module under cli/ and is imported only when used, so `atelier --help`
 * starts without loading onnxruntime or sharp.
 */
import { serializeError, toAtelierError } from './errors';
import { commands } from './cli/commands';
import { errorSinkFor, handleProcessErrors, isUnexpected, type ErrorSink } from './log/error-sink';
import { profilePaths, resolveProfileDir } from './profile';

function usage(): string {
  const width = Math.max(...Object.keys(commands).map((n) => n.length), 8);
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return [
    'Usage: atelier <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Global options: --profile DIR (or ATELIER_HOME)   --help   --version',
    'Run `atelier <command> --help` for the options of a command.',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 1;
  }
  if (name === '--version' || name === '-v') {
    console.log(process.env.npm_package_version ?? '0.1.0');
    return 0;
  }
  const command = commands[name];
  if (!command) {
    console.error(`atelier: unknown command "${name}"\n\n${usage()}`);
    return 1;
  }
  // onnxruntime loads in the inference thread while this one loads the command's modules (sharp,
  // SQLite, the operations): on two cores both are done in about the time of the longer.
  if (command.runsModels && !rest.some((a) => a === '--help' || a === '-h')) {
    void import('./workers/inference').then((m) => m.startInferenceThread());
  }
  const mod = await command.load();
  return mod.run(rest);
}

/** The log of the profile the command names (--profile DIR, else ATELIER_HOME, else the default). */
function profileLog(argv: string[]): ErrorSink | undefined {
  const at = argv.findIndex((a) => a === '--profile' || a.startsWith('--profile='));
  const explicit = at < 0 ? undefined : argv[at]!.includes('=') ? argv[at]!.split('=')[1] : argv[at + 1];
  try {
    return errorSinkFor(profilePaths(resolveProfileDir(explicit)).logs);
  } catch {
    return undefined;
  }
}

function report(error: unknown, where: string): number {
  const e = toAtelierError(error);
  // Unexpected errors with their stack; expected ones (a bad file, no network) as a line; usage errors not at all.
  const log = e.code === 'USAGE' ? undefined : profileLog(process.argv);
  if (isUnexpected(error)) log?.unexpected(error, where);
  else log?.warn(`${where}: ${e.message}`, error);
  if (process.argv.includes('--json')) console.log(JSON.stringify({ error: serializeError(e) }));
  console.error(`atelier: ${e.userMessage}`);
  if (isUnexpected(error) && log?.dir) console.error(`atelier: details are in ${log.dir}`);
  if (process.env.ATELIER_DEBUG) console.error(error);
  return e.code === 'USAGE' ? 1 : 2;
}

// A promise nobody awaited is logged, not fatal; an uncaught exception ends the command with its message.
const log = profileLog(process.argv);
if (log) {
  handleProcessErrors(log, (e) => {
    console.error(`atelier: ${e.message}${e.hint ? ` — ${e.hint}` : ''}`);
    if (log.dir) console.error(`atelier: details are in ${log.dir}`);
    process.exit(2);
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.exitCode = report(error, `atelier ${process.argv[2] ?? ''}`.trim());
  },
);
