/**
 * Opening the profile's SQLite file safely: refuse files that are not ours (a renamed JPEG, another
 * app's database) or that come from a newer Atelier, before writing a single byte to them; then turn
 * on WAL and foreign keys and run the pending migrations, each in its own transaction.
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { keepToOwner } from '../profile';
import Database from 'better-sqlite3';
import { AtelierError } from '../errors';
import { migrations, type Migration } from './migrations';

export type Db = Database.Database;

/** "ATLR": written into the SQLite header so another app's database is never mistaken for ours. */
export const APPLICATION_ID = 0x41544c52;

const SQLITE_MAGIC = 'SQLite format 3\u0000';

export interface OpenDatabaseOptions {
  /** Stop migrating at this version (tests build older schemas with it). */
  targetVersion?: number;
  /** The schema's migrations; tests pass a longer list to check a failing migration rolls back. */
  migrations?: readonly Migration[];
}

export function openDatabase(file: string, options: OpenDatabaseOptions = {}): Db {
  assertLooksLikeSqlite(file);
  let db: Db;
  try {
    // The history is private (0600 on POSIX); SQLite gives its -wal and -shm files the same mode.
    if (!existsSync(file)) {
      try {
        closeSync(openSync(file, 'wx', 0o600));
      } catch {
        // A missing or read-only folder: SQLite's own open below says so in the usual words.
      }
    }
    for (const f of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(f)) keepToOwner(f, 0o600);
    db = new Database(file);
  } catch (cause) {
    throw databaseError(cause, file);
  }
  try {
    const list = options.migrations ?? migrations;
    checkOwnership(db, file, list.length);
    db.pragma('journal_mode = WAL');
    applyConnectionPragmas(db);
    migrate(db, list, options.targetVersion ?? list.length);
    return db;
  } catch (cause) {
    db.close();
    throw databaseError(cause, file);
  }
}

/**
 * The settings each connection needs (the host's, and a pool thread's that writes history records:
 * store/record-in-thread.ts); WAL is the file's own and set once by the first opener.
 */
export function applyConnectionPragmas(db: Db): void {
  db.pragma('foreign_keys = ON');
  // Deleted rows (private inputs, deleted accounts) are overwritten with zeros, not left in free pages.
  db.pragma('secure_delete = ON');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
}

/** Reads the first 16 bytes: an empty or missing file is fine (a new profile), anything else must be SQLite. */
function assertLooksLikeSqlite(file: string): void {
  if (!existsSync(file) || statSync(file).size === 0) return;
  const header = Buffer.alloc(16);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, header, 0, 16, 0);
  } finally {
    closeSync(fd);
  }
  if (header.toString('latin1') !== SQLITE_MAGIC) {
    throw new AtelierError('DATABASE', `Not an Atelier database (not SQLite at all): ${file}`, {
      hint: 'move this file away (it was left untouched) and start Atelier again to create a new history',
      file,
    });
  }
}

function checkOwnership(db: Db, file: string, latest: number): void {
  const appId = Number(db.pragma('application_id', { simple: true }));
  const version = Number(db.pragma('user_version', { simple: true }));
  const tableCount = Number(
    db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table'").pluck().get(),
  );
  const ours = appId === APPLICATION_ID || (appId === 0 && version === 0 && tableCount === 0);
  if (!ours) {
    throw new AtelierError(
      'DATABASE',
      `Not an Atelier database (another application's SQLite file): ${file}`,
      {
        hint: 'move this file away (it was left untouched) or choose another profile with --profile DIR',
        file,
      },
    );
  }
  if (version > latest) {
    throw new AtelierError(
      'DATABASE',
      `History database is from a newer Atelier (schema ${version}, this version knows ${latest}): ${file}`,
      { hint: 'update Atelier; the file was left untouched', file },
    );
  }
}

function migrate(db: Db, list: readonly Migration[], target: number): void {
  const current = Number(db.pragma('user_version', { simple: true }));
  for (const m of list) {
    if (m.version <= current || m.version > target) continue;
    db.transaction(() => {
      // Two processes opening a new profile at once both saw the old version: the one that waited for
      // the write lock finds this migration already applied by the other.
      if (Number(db.pragma('user_version', { simple: true })) >= m.version) return;
      db.exec(m.sql);
      db.pragma(`application_id = ${APPLICATION_ID}`);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
}

export function schemaVersion(db: Db): number {
  return Number(db.pragma('user_version', { simple: true }));
}

interface SqliteErrorLike {
  code?: unknown;
  message?: unknown;
}

/** Maps SQLite failures to one actionable line; keeps the original as `cause`. */
export function databaseError(cause: unknown, file: string): AtelierError {
  if (cause instanceof AtelierError) return cause;
  const code = String((cause as SqliteErrorLike | null)?.code ?? '');
  const detail = String((cause as SqliteErrorLike | null)?.message ?? cause);
  const known: Record<string, [string, string]> = {
    SQLITE_FULL: [
      'Disk full while writing the history database',
      'free some disk space and try again; nothing was half-written',
    ],
    SQLITE_READONLY: [
      'History database is read-only',
      'make the profile folder writable or choose another with --profile DIR',
    ],
    SQLITE_CANTOPEN: [
      'Cannot open the history database',
      'check the profile folder exists and is writable, or use --profile DIR',
    ],
    SQLITE_NOTADB: [
      'Not an Atelier database (file is not SQLite)',
      'move this file away and start Atelier again',
    ],
    SQLITE_CORRUPT: [
      'History database is corrupt',
      'restore a backup (atelier history backup) or move the file away',
    ],
    SQLITE_BUSY: ['History database is busy (another Atelier is writing)', 'wait a moment and try again'],
  };
  const match = Object.entries(known).find(([prefix]) => code.startsWith(prefix));
  if (match) {
    const [message, hint] = match[1];
    return new AtelierError('DATABASE', `${message}: ${file}`, { hint, file, cause });
  }
  if (code.startsWith('SQLITE_IOERR')) {
    return new AtelierError('DATABASE', `Disk error on the history database (${code}): ${file}`, {
      hint: 'check the disk has space and the profile folder is writable',
      file,
      cause,
    });
  }
  return new AtelierError('DATABASE', `History database error (${detail}): ${file}`, {
    hint: 'try again; if it persists, back up and move the file away',
    file,
    cause,
  });
}
