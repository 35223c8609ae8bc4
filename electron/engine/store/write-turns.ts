/**
 * Turns at writing a profile's database, shared by this thread's writes and the history records it
 * hands to pool threads (record-port.ts).
 *
 * Why: a pool thread's record holds the file's write lock while it writes tens of MB of Base64 (150–550
 * ms at 12–24 MP). A write on the engine's own connection in that window waits in SQLite's busy
 * handler, which sleeps the calling thread: the engine's thread, which then answers nothing (measured:
 * one small settings write 230–330 ms beside a 30 MB record). A write that takes a turn runs only once
 * the records handed out before it are written, so it never waits inside SQLite. Turns are first come,
 * first served, so a stream of records cannot starve a small write, nor the other way round.
 *
 * Only this process's writes take turns; another process on the same profile (the CLI beside the app)
 * still meets SQLite's busy timeout, as before. Writes that must stay synchronous simply do not take
 * a turn: SQLite's locks keep every write correct either way, turns only keep the waiting off the thread.
 */

export class WriteTurns {
  private last: Promise<unknown> = Promise.resolve();

  /** Runs `write` after every write queued before it has finished (failed or not); its result or error. */
  take<T>(write: () => T | Promise<T>): Promise<T> {
    const turn = this.last.then(write);
    this.last = turn.catch(() => undefined);
    return turn;
  }
}

const byFile = new Map<string, WriteTurns>();

/** The turns of one database file in this thread (one queue however many connections it has open). */
export function writeTurns(file: string): WriteTurns {
  let turns = byFile.get(file);
  if (!turns) {
    turns = new WriteTurns();
    byFile.set(file, turns);
  }
  return turns;
}
