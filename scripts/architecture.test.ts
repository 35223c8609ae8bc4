import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../electron/engine/testing/fixtures';

// The walls of ../shared/DESIGN.md that lint cannot see: no runtime import cycle among production
// modules (the server's app ↔ routes and the engine's jobs ↔ operations were two), and production code
// never reaches into the test-support tree (electron/engine/testing/). Also checked here as well as by
// lint: the renderer reaches the engine only through the API contract and the compositing core, and
// the compositing core (electron/engine/compose/core) loads nothing from outside its folder.

const isTest = (file: string) =>
  file.endsWith('.test.ts') || /[\\/]test[\\/]/.test(file) || file.includes(`${path.sep}testing${path.sep}`);

function sources(dir: string, ext = /\.ts$/): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === 'node_modules' ? [] : sources(full, ext);
    return ext.test(full) && !isTest(full) ? [full] : [];
  });
}

/** Every module a file names in an import or re-export, and whether only types come from it. */
function importedModules(file: string): { spec: string; typeOnly: boolean }[] {
  const text = readFileSync(file, 'utf8');
  const pattern =
    /^\s*(?:import|export)\s+(type\s+)?[^'";]*?from\s+'([^']+)'|^\s*import\s+'([^']+)'|import\(\s*'([^']+)'\s*\)|new URL\(\s*'([^']+)'/gm;
  return [...text.matchAll(pattern)].map((m) => ({
    spec: (m[2] ?? m[3] ?? m[4] ?? m[5])!,
    typeOnly: m[1] !== undefined,
  }));
}

/** Where a relative import lands, relative to the repository (bare specifiers stay as they are). */
function landing(file: string, spec: string): string {
  if (!spec.startsWith('.')) return spec;
  return path
    .relative(repoRoot, path.resolve(path.dirname(file), spec))
    .split(path.sep)
    .join('/');
}

/** Relative imports that load code at run time (`import type` and `export type` are erased). */
function runtimeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  const pattern = /^\s*(import|export)\s+(type\s+)?[^'";]*?from\s+'(\.[^']+)'|^\s*import\s+'(\.[^']+)'/gm;
  for (const m of text.matchAll(pattern)) {
    if (m[2]) continue;
    const spec = m[3] ?? m[4];
    if (!spec) continue;
    const base = path.resolve(path.dirname(file), spec);
    const target = [`${base}.ts`, path.join(base, 'index.ts')].find((c) => {
      try {
        return statSync(c).isFile();
      } catch {
        return false;
      }
    });
    if (target) found.push(target);
  }
  return found;
}

function cycles(files: string[]): string[][] {
  const graph = new Map(files.map((f) => [f, runtimeImports(f)]));
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (f: string) => {
    state.set(f, 'open');
    stack.push(f);
    for (const next of graph.get(f) ?? []) {
      if (state.get(next) === 'open') found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of files) if (!state.has(f)) visit(f);
  return found.map((c) => c.map((f) => path.relative(repoRoot, f)));
}

describe('module architecture', () => {
  const engine = sources(path.join(repoRoot, 'electron'));
  const server = sources(path.join(repoRoot, 'server', 'src'));

  it('has no runtime import cycle in the engine and shell', () => {
    expect(cycles(engine)).toEqual([]);
  });

  it('has no runtime import cycle in the license server', () => {
    expect(cycles(server)).toEqual([]);
  });

  it('keeps operations/ free of the job runtime', () => {
    const offenders = engine
      .filter((f) => f.includes(`${path.sep}operations${path.sep}`))
      .filter((f) => runtimeImports(f).some((t) => t.includes(`${path.sep}jobs${path.sep}`)));
    expect(offenders.map((f) => path.relative(repoRoot, f))).toEqual([]);
  });

  it('never imports test support from production code', () => {
    const offenders = [...engine, ...server].filter((f) =>
      /from\s+'[^']*(^|\/)testing\//m.test(readFileSync(f, 'utf8')),
    );
    expect(offenders.map((f) => path.relative(repoRoot, f))).toEqual([]);
  });

  it('lets the renderer import, of the engine, only the API contract and the compositing core', () => {
    const renderer = sources(path.join(repoRoot, 'renderer', 'src'), /\.tsx?$/);
    const allowed = /^electron\/engine\/(api\/contract|compose\/core(\/[\w.-]+)?)$/;
    const offenders = renderer.flatMap((f) =>
      importedModules(f)
        .map(({ spec }) => landing(f, spec))
        .filter((target) => target.startsWith('electron/') && !allowed.test(target))
        .map((target) => `${path.relative(repoRoot, f)} → ${target}`),
    );
    expect(renderer.length).toBeGreaterThan(10);
    expect(offenders).toEqual([]);
  });

  it('starts the worker threads light: no zod in a pool thread; no sharp, zod or SQLite in the inference thread', async () => {
    // What a thread loads when it starts is every package its bundle imports (esbuild hoists them, even
    // from modules reached only by a dynamic import): zod alone is ~100 ms of a cold thread's start.
    const packagesLoaded = async (entry: string) => {
      const { metafile } = await build({
        entryPoints: [path.join(repoRoot, entry)],
        bundle: true,
        platform: 'node',
        format: 'esm',
        packages: 'external',
        write: false,
        metafile: true,
        logLevel: 'silent',
      });
      const all = Object.values(metafile.inputs).flatMap((input) => input.imports);
      return new Set(all.filter((i) => i.external && !i.path.startsWith('node:')).map((i) => i.path));
    };
    const pool = await packagesLoaded('electron/engine/workers/pixel-worker.ts');
    expect(pool).toContain('sharp');
    expect(pool).not.toContain('zod');
    const inference = [...(await packagesLoaded('electron/engine/workers/inference-worker.ts'))];
    expect(inference.filter((p) => ['sharp', 'zod', 'better-sqlite3'].includes(p))).toEqual([]);
  });

  it('keeps the compositing core free of anything outside its folder (types excepted)', () => {
    const core = sources(path.join(repoRoot, 'electron', 'engine', 'compose', 'core'));
    const offenders = core.flatMap((f) =>
      importedModules(f)
        .filter(({ typeOnly }) => !typeOnly)
        .map(({ spec }) => landing(f, spec))
        .filter((target) => !target.startsWith('electron/engine/compose/core/'))
        .map((target) => `${path.relative(repoRoot, f)} → ${target}`),
    );
    expect(core.length).toBeGreaterThan(5);
    expect(offenders).toEqual([]);
  });
});
