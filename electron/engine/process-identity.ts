/**
 * Who wrote a lock or a leftover file, told apart from whoever has that pid now. A pid alone is reused
 * by the OS: after a reboot or a long uptime it may name an unrelated live process, and a lock checked
 * only with `kill(pid, 0)` would then block forever. So a record keeps the pid and the process's start
 * time; a live pid whose start time differs is another process.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface ProcessIdentity {
  pid: number;
  /** Start time in ms since the epoch, where the OS tells it (Linux /proc, macOS ps); else absent. */
  start?: number;
}

let bootMs: number | undefined;

/** When `pid` started, or undefined when it is gone or this OS does not say. */
export function processStartTime(pid: number): number | undefined {
  try {
    if (process.platform === 'linux') {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces and parentheses): field 22 is the start
      // time in clock ticks since boot (USER_HZ, 100 on every Linux we ship to).
      const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
      bootMs ??= Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1]) * 1000;
      return Number.isFinite(ticks) && bootMs ? bootMs + ticks * 10 : undefined;
    }
    if (process.platform === 'darwin') {
      const started = execFileSync('ps', ['-o', 'lstart=', '-p', String(pid)], { encoding: 'utf8' }).trim();
      const ms = Date.parse(started);
      return Number.isFinite(ms) ? ms : undefined;
    }
  } catch {
    return undefined;
  }
  return undefined;
}

export function currentProcess(): ProcessIdentity {
  const start = processStartTime(process.pid);
  return start === undefined ? { pid: process.pid } : { pid: process.pid, start };
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether the process that wrote a record still runs. Without a recorded start time (records of older
 * versions), a process that started after the record was written cannot have written it.
 */
export function stillRunning(owner: ProcessIdentity, writtenAtMs?: number): boolean {
  if (!Number.isInteger(owner.pid) || owner.pid <= 0 || !pidAlive(owner.pid)) return false;
  const start = processStartTime(owner.pid);
  if (start === undefined) return true; // this OS cannot tell: keep the old, cautious answer
  if (owner.start !== undefined) return Math.abs(start - owner.start) < 1000;
  return writtenAtMs === undefined || start <= writtenAtMs + 1000;
}
