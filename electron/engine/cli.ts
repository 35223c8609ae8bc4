/**
 * The `atelier` command line: one host of the engine, like the Electron main process and `atelier serve`.
 * Each command lives in its own module under cli/ and is imported only when used, so `atelier --help`
 * starts without loading onnxruntime or sharp.
 */
import { serializeError, toAtelierError } from './errors';
import { commands } from './cli/commands';

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
  const mod = await command.load();
  return mod.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const e = toAtelierError(error);
    if (process.argv.includes('--json')) console.log(JSON.stringify({ error: serializeError(e) }));
    console.error(`atelier: ${e.userMessage}`);
    if (process.env.ATELIER_DEBUG) console.error(error);
    process.exitCode = e.code === 'USAGE' ? 1 : 2;
  },
);
