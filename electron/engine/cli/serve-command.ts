/**
 * `atelier serve`: the UI and the API on 127.0.0.1 (see serve.ts). Runs until Ctrl-C.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { AtelierError } from '../errors';
import type { Host } from '../host';
import { resolveProfileDir } from '../profile';
import type { CommandModule } from './command';

const HELP = `Usage: atelier serve [--port N] [--profile DIR] [--provider auto|cpu|gpu] [--no-browser]

Serves the Atelier UI and its API on http://127.0.0.1 (loopback only) and prints the URL to open,
which carries an access token in its #fragment (never in a cookie). Scripts send that token as
\`Authorization: Bearer TOKEN\` (HTTP and the /api WebSocket).`;

/** Opens URLs (sign-in, checkout) in the system browser unless told not to; always prints them. */
function serveHost(openBrowser: boolean): Host {
  return {
    kind: 'serve',
    async openExternal(url) {
      if (!/^https?:\/\//.test(url)) throw new AtelierError('USAGE', `Refusing to open ${url}`);
      console.error(`Open in your browser: ${url}`);
      if (!openBrowser) return;
      const opener =
        process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
      spawn(opener, [url], { stdio: 'ignore', detached: true })
        .on('error', () => undefined)
        .unref();
    },
    setProgress() {},
    notify(title, body) {
      console.error(`${title}: ${body}`);
    },
    revealInFolder(file) {
      console.error(file);
    },
    // A browser cannot be handed a native dialog: null means "the browser downloads instead".
    saveFileDialog: async () => null,
    pickFolder: async () => null,
  };
}

const command: CommandModule = {
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        profile: { type: 'string' },
        provider: { type: 'string' },
        'no-browser': { type: 'boolean' },
        help: { type: 'boolean' },
      },
    });
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    const port = values.port === undefined ? 0 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new AtelierError('USAGE', `--port must be 0..65535 (got "${values.port}")`);
    }
    const provider = values.provider ?? 'auto';
    if (!['auto', 'cpu', 'gpu'].includes(provider)) {
      throw new AtelierError('USAGE', `--provider must be auto, cpu or gpu (got "${provider}")`);
    }
    const [{ Engine }, { startServe }] = await Promise.all([import('../engine'), import('../serve')]);
    const engine = await Engine.open({
      profileDir: resolveProfileDir(values.profile),
      provider: provider as 'auto' | 'cpu' | 'gpu',
      host: serveHost(!values['no-browser'] && !process.env.ATELIER_NO_BROWSER),
    });
    const stopSweeper = engine.store.startSweeper();
    const here = path.dirname(fileURLToPath(import.meta.url));
    const serving = await startServe({
      engine,
      port,
      rendererDir: process.env.ATELIER_RENDERER_DIR ?? path.resolve(here, '..', 'dist', 'renderer'),
      version: process.env.npm_package_version ?? '0.1.0',
    });
    console.log(`Atelier is serving at ${serving.openUrl}`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    stopSweeper();
    await serving.close();
    await engine.close();
    return 0;
  },
};

export const { run } = command;
