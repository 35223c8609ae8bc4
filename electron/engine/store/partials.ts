/**
 * Exports and backups are written to `<dest>.partial` and renamed when complete. A process killed
 * mid-write leaves that file (up to the size of the history) wherever the user pointed it. Each write
 * in progress is noted in the profile (`partials/<id>.json`: the path and the writing process); when a
 * store opens, notes whose process is gone have their `.partial` removed.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { currentProcess, stillRunning, type ProcessIdentity } from '../process-identity';

const DIR = 'partials';

/** Notes `partial` as being written by this process; the returned function drops the note. */
export function trackPartial(profileRoot: string, partial: string): () => void {
  const note = path.join(profileRoot, DIR, `${randomUUID()}.json`);
  try {
    mkdirSync(path.dirname(note), { recursive: true });
    writeFileSync(note, JSON.stringify({ path: partial, owner: currentProcess() }));
  } catch {
    // A profile that cannot take the note still gets its export; only the clean-up after a kill is lost.
  }
  return () => rmSync(note, { force: true });
}

/** Removes the `.partial` files of exports and backups whose process died. Returns what it removed. */
export function sweepPartials(profileRoot: string): string[] {
  const dir = path.join(profileRoot, DIR);
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const note = path.join(dir, name);
    try {
      const { path: partial, owner } = JSON.parse(readFileSync(note, 'utf8')) as {
        path: string;
        owner: ProcessIdentity;
      };
      if (stillRunning(owner, statSync(note).mtimeMs)) continue;
      // Only our own kind of leftover, never whatever a bad note might name.
      if (typeof partial === 'string' && partial.endsWith('.partial')) {
        rmSync(partial, { force: true });
        removed.push(partial);
      }
      rmSync(note, { force: true });
    } catch {
      rmSync(note, { force: true });
    }
  }
  return removed;
}
