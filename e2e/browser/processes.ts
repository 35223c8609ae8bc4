/**
 * Starting and stopping the processes the browser specs drive: `atelier serve` on a profile of its own
 * and the output watching both it and the license server need.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const root = path.resolve(import.meta.dirname, '..', '..');

/** Collects a child's output so several patterns can be awaited in any order. */
export function watchOutput(child: ChildProcess, what: string) {
  let seen = '';
  let exited: number | null | undefined;
  child.stdout?.on('data', (c: Buffer) => (seen += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (seen += c.toString()));
  child.on('exit', (code) => (exited = code));
  return async (pattern: RegExp): Promise<RegExpMatchArray> => {
    // Generous: six helpers' builds and tests may share this machine's two cores.
    const deadline = Date.now() + 90_000;
    for (;;) {
      const match = seen.match(pattern);
      if (match) return match;
      if (exited !== undefined) throw new Error(`${what} exited with ${exited}: ${seen.slice(-2000)}`);
      if (Date.now() > deadline) throw new Error(`${what} did not start: ${seen.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
}

/** Ends a child and waits until it has exited (its files closed), so its folder can be removed. */
export async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

export interface Serve {
  appUrl: string;
  /** serve's stderr, appended as it comes: the engine prints URLs it would open in a browser there. */
  logFile: string;
  child: ChildProcess;
}

/** `atelier serve` on 127.0.0.1 with the CPU provider, its profile and output folder under `work`. */
export async function startServe(work: string, env: NodeJS.ProcessEnv = {}): Promise<Serve> {
  mkdirSync(work, { recursive: true });
  const logFile = path.join(work, 'serve.log');
  writeFileSync(logFile, '');
  const child = spawn(
    process.execPath,
    ['bin/atelier.js', 'serve', '--port', '0', '--profile', path.join(work, 'profile'), '--provider', 'cpu'],
    {
      cwd: root,
      env: {
        ...process.env,
        ATELIER_OUTPUT_DIR: path.join(work, 'out'),
        ATELIER_NO_BROWSER: '1',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stderr?.on('data', (c: Buffer) => appendFileSync(logFile, c));
  const [, appUrl] = await watchOutput(child, 'atelier serve')(/serving at (http:\/\/\S+)/);
  return { appUrl: appUrl!, logFile, child };
}
