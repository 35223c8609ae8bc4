/**
 * What an installer would hold, worked out the way electron-builder does it: the app's production
 * dependency tree (from package-lock.json, for one target's os/cpu) and the `files` patterns of
 * electron-builder.yml (top level, then the platform's own, in order; a later pattern may re-include).
 * Used by packaging.test.ts and by `npx tsx scripts/packaging.ts win x64` for a size estimate.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Minimatch } from 'minimatch';
import { parse } from 'yaml';

export type BuilderOs = 'win' | 'mac' | 'linux';
export const NODE_PLATFORM: Record<BuilderOs, string> = { win: 'win32', mac: 'darwin', linux: 'linux' };

interface LockEntry {
  version?: string;
  link?: boolean;
  resolved?: string;
  dev?: boolean;
  optional?: boolean;
  os?: string[];
  cpu?: string[];
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}
export interface Lockfile {
  packages: Record<string, LockEntry>;
}

export interface PackedPackage {
  /** The lockfile key, e.g. node_modules/sharp or node_modules/a/node_modules/b. */
  key: string;
  name: string;
  /** Set when the dependency is a workspace link (a package of this repository, e.g. server/). */
  workspace?: string;
}

function allows(list: string[] | undefined, value: string): boolean {
  if (!list || list.length === 0) return true;
  const denied = list.filter((v) => v.startsWith('!')).map((v) => v.slice(1));
  const allowed = list.filter((v) => !v.startsWith('!'));
  return !denied.includes(value) && (allowed.length === 0 || allowed.includes(value));
}

/** Node's lookup of `name` from the package at `from`: its own node_modules, then each parent's. */
function resolveKey(lock: Lockfile, from: string, name: string): string | undefined {
  let base = from;
  for (;;) {
    const key = base ? `${base}/node_modules/${name}` : `node_modules/${name}`;
    if (lock.packages[key]) return key;
    if (!base) return undefined;
    const cut = base.lastIndexOf('/node_modules/');
    base = cut < 0 ? '' : base.slice(0, cut);
  }
}

/**
 * The packages a package needs at run time on `platform`/`arch` (dev dependencies left out): by
 * default the app (the lockfile's root); `from` names another, e.g. the `server` workspace.
 */
export function productionPackages(
  lock: Lockfile,
  platform: string,
  arch: string,
  from = '',
): PackedPackage[] {
  const seen = new Map<string, PackedPackage>();
  const visit = (from: string) => {
    const entry = lock.packages[from];
    if (!entry) return;
    const peers = Object.keys(entry.peerDependencies ?? {}).filter(
      (p) => !entry.peerDependenciesMeta?.[p]?.optional,
    );
    const names = [
      ...Object.keys(entry.dependencies ?? {}),
      ...Object.keys(entry.optionalDependencies ?? {}),
      ...peers,
    ];
    for (const name of names) {
      const key = resolveKey(lock, from, name);
      if (!key || seen.has(key)) continue;
      const target = lock.packages[key];
      if (!target || !allows(target.os, platform) || !allows(target.cpu, arch)) continue;
      const packed: PackedPackage = { key, name };
      if (target.link) packed.workspace = target.resolved;
      seen.set(key, packed);
      visit(target.link && target.resolved ? target.resolved : key);
    }
  };
  visit(from);
  return [...seen.values()].sort((a, b) => a.key.localeCompare(b.key));
}

interface BuilderConfig {
  files?: string[];
  win?: { files?: string[] };
  mac?: { files?: string[] };
  linux?: { files?: string[] };
}

/** The ordered `files` patterns for one target, macros expanded as electron-builder does. */
export function filePatterns(config: BuilderConfig, os: BuilderOs, arch: string): string[] {
  return [...(config.files ?? []), ...(config[os]?.files ?? [])].map((p) =>
    p.replaceAll('${arch}', arch).replaceAll('${os}', os),
  );
}

/** electron-builder's rule: patterns in order; a match is re-tested only by later exclusions and vice versa. */
export function packs(patterns: string[], relative: string): boolean {
  let match = false;
  for (const source of patterns) {
    const pattern = new Minimatch(source, { dot: true });
    if (match !== pattern.negate) continue;
    match = pattern.match(relative);
  }
  return match;
}

export function readBuilderConfig(root: string): BuilderConfig {
  return parse(readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as BuilderConfig;
}

export function readLockfile(root: string): Lockfile {
  return JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as Lockfile;
}

/** Every file under `dir`, relative to `root` with forward slashes (nested node_modules excluded). */
export function filesUnder(root: string, dir: string): { file: string; bytes: number }[] {
  const out: { file: string; bytes: number }[] = [];
  const walk = (abs: string) => {
    for (const name of readdirSync(abs)) {
      const full = path.join(abs, name);
      const st = statSync(full, { throwIfNoEntry: false });
      if (!st) continue;
      if (st.isDirectory()) {
        if (name !== 'node_modules') walk(full);
      } else out.push({ file: path.relative(root, full).split(path.sep).join('/'), bytes: st.size });
    }
  };
  walk(path.join(root, dir));
  return out;
}

/** Estimate: the files of each production package present here that the target's patterns keep. */
export function estimate(root: string, lock: Lockfile, os: BuilderOs, arch: string) {
  const patterns = filePatterns(readBuilderConfig(root), os, arch);
  const rows = productionPackages(lock, NODE_PLATFORM[os], arch).map((pkg) => {
    let files: { file: string; bytes: number }[];
    try {
      files = filesUnder(root, pkg.key).filter((f) => packs(patterns, f.file));
    } catch {
      return { ...pkg, bytes: 0, files: 0, present: false };
    }
    return { ...pkg, bytes: files.reduce((s, f) => s + f.bytes, 0), files: files.length, present: true };
  });
  return rows;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [os = 'win', arch = 'x64', lockPath] = process.argv.slice(2);
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const lock = lockPath ? (JSON.parse(readFileSync(lockPath, 'utf8')) as Lockfile) : readLockfile(root);
  const rows = estimate(root, lock, os as BuilderOs, arch);
  const mb = (n: number) => (n / 1e6).toFixed(1);
  for (const r of rows.sort((a, b) => b.bytes - a.bytes))
    console.log(
      `${mb(r.bytes).padStart(7)} MB  ${r.key}${r.workspace ? ` -> ${r.workspace}` : ''}${r.present ? '' : '  (not installed here)'}`,
    );
  const total = rows.reduce((s, r) => s + r.bytes, 0);
  console.log(
    `${rows.length} packages, ${mb(total)} MB of node_modules for ${os}-${arch} (Electron itself and dist/ not counted)`,
  );
}
