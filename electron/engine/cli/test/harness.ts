/**
 * Test harness for the CLI: builds the bundled CLI once, spawns `node bin/atelier.js` with a temporary
 * profile, and makes small test photos (the fixture photos resized to ~400 px so the suite stays fast).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { fixturePhoto, repoRoot, type FIXTURE_PHOTOS } from '../../testing/fixtures';

export const cliEntry = path.join(repoRoot, 'bin', 'atelier.js');

const bundle = path.join(repoRoot, 'dist', 'cli.cjs');
const lock = path.join(repoRoot, 'dist', '.cli-build-lock');

/** Newest modification time of the engine's sources (what the bundle is built from). */
function newestSource(dir = path.join(repoRoot, 'electron', 'engine')): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'))
      newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

/**
 * Rebuilds dist/cli.cjs when an engine source is newer. Test files run in parallel processes: a lock
 * folder (mkdir is atomic) makes one of them build while the others wait, so none spawns the CLI
 * while the bundle is half-written.
 */
export async function buildCli(): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const fresh = existsSync(bundle) && statSync(bundle).mtimeMs >= newestSource();
    if (fresh && !existsSync(lock)) return;
    try {
      mkdirSync(path.dirname(lock), { recursive: true });
      mkdirSync(lock);
    } catch {
      if (Date.now() > deadline)
        throw new Error(`waited 2 minutes for another build (${lock}); remove it if stale`);
      await new Promise((r) => setTimeout(r, 200));
      continue;
    }
    try {
      const built = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'build-engine.js')], {
        cwd: repoRoot,
        encoding: 'utf8',
      });
      if (built.status !== 0) throw new Error(`build-engine failed: ${built.stderr}`);
      return;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout's JSON lines, parsed. */
  json: Record<string, unknown>[];
}

export function runCli(
  args: string[],
  options: { cwd?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
  const child = startCli(args, options);
  return finished(child, options.timeoutMs ?? 120_000);
}

export function startCli(
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): ChildProcess {
  return spawn(process.execPath, [cliEntry, ...args], {
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, ATELIER_HOME: undefined, FORCE_COLOR: '0', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export function finished(child: ChildProcess, timeoutMs = 120_000): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`CLI timed out\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, json: parseJsonLines(stdout) });
    });
  });
}

export function parseJsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((l) => l.trim().startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** A fixture photo resized to `width` px wide, written as JPEG (or PNG by extension). */
export async function smallPhoto(
  name: (typeof FIXTURE_PHOTOS)[number],
  file: string,
  width = 400,
): Promise<string> {
  mkdirSync(path.dirname(file), { recursive: true });
  const img = sharp(fixturePhoto(name)).resize({ width });
  await (file.endsWith('.png') ? img.png() : img.jpeg({ quality: 85 })).toFile(file);
  return file;
}
