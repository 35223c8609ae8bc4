/**
 * The profile's log file (<profile>/logs/atelier.log): one JSON line per record, secrets redacted,
 * rotated by size (atelier.log → atelier.1.log → … atelier.<keep>.log, the oldest dropped). Written
 * synchronously so the last lines before a crash are on disk.
 */
import { appendFileSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { redactValue } from './redact';

export type LogLevel = 'info' | 'warn' | 'error';

export interface LogFileOptions {
  /** Rotate when the file would grow past this many bytes (default 5 MB). */
  maxBytes?: number;
  /** Rotated files kept beside the current one (default 3). */
  keep?: number;
  now?: () => Date;
}

export class LogFile {
  readonly file: string;
  private readonly maxBytes: number;
  private readonly keep: number;
  private readonly now: () => Date;
  private size: number;

  constructor(
    readonly dir: string,
    options: LogFileOptions = {},
  ) {
    // The folder is made at the first write, so a command that logs nothing leaves no trace.
    this.file = path.join(dir, 'atelier.log');
    this.maxBytes = options.maxBytes ?? 5 * 1024 * 1024;
    this.keep = options.keep ?? 3;
    this.now = options.now ?? (() => new Date());
    this.size = statSync(this.file, { throwIfNoEntry: false })?.size ?? 0;
  }

  write(level: LogLevel, message: string, fields: Record<string, unknown> = {}): void {
    const record = redactValue({ time: this.now().toISOString(), level, message, ...fields });
    const line = `${JSON.stringify(record)}\n`;
    const bytes = Buffer.byteLength(line);
    if (this.size > 0 && this.size + bytes > this.maxBytes) this.rotate();
    try {
      if (this.size === 0) mkdirSync(this.dir, { recursive: true });
      appendFileSync(this.file, line);
      this.size += bytes;
    } catch {
      // A log that cannot be written must not take the app down with it.
    }
  }

  private rotate(): void {
    const name = (i: number) => path.join(this.dir, i === 0 ? 'atelier.log' : `atelier.${i}.log`);
    try {
      rmSync(name(this.keep), { force: true });
      for (let i = this.keep - 1; i >= 0; i--) {
        if (statSync(name(i), { throwIfNoEntry: false })) renameSync(name(i), name(i + 1));
      }
    } catch {
      // Rotation failing (a file held open on Windows) just means a longer file this time.
    }
    this.size = 0;
  }
}
