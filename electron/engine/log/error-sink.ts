/**
 * The one place unexpected errors go, in every host (Electron main, `atelier serve`, the CLI): the
 * profile's log file, with stack and cause. What a person sees is the short serialized form
 * (code, message, hint); the details stay in the log.
 */
import { AtelierError, errorForLog, serializeError, type SerializedError } from '../errors';
import { LogFile, type LogFileOptions } from './log-file';

export interface ErrorSink {
  /** The folder of the log file (Settings ▸ Open log folder), or undefined when nothing is written. */
  readonly dir: string | undefined;
  /** Records an error nobody expected (a bug, a failed start-up, a floating promise) and what it was doing. */
  unexpected(error: unknown, where: string): SerializedError;
  /** Records an expected failure worth keeping (a sweep that failed, a sync that will be retried). */
  warn(message: string, error?: unknown): void;
  info(message: string, fields?: Record<string, unknown>): void;
}

/** Errors worth a stack in the log: anything that is not one of our own, actionable AtelierErrors. */
export function isUnexpected(error: unknown): boolean {
  return !(error instanceof AtelierError) || error.code === 'INTERNAL' || error.code === 'DATABASE';
}

const sinks = new Map<string, ErrorSink>();

/** The sink of a log folder, one per folder and process (so the host and its engine share one file). */
export function errorSinkFor(dir: string): ErrorSink {
  let sink = sinks.get(dir);
  if (!sink) sinks.set(dir, (sink = createErrorSink(dir)));
  return sink;
}

export function createErrorSink(dir: string | undefined, options: LogFileOptions = {}): ErrorSink {
  let file: LogFile | undefined;
  try {
    file = dir ? new LogFile(dir, options) : undefined;
  } catch {
    file = undefined; // an unwritable profile is reported by the profile's own check
  }
  return {
    dir: file?.dir,
    unexpected(error, where) {
      file?.write('error', `${where}: ${error instanceof Error ? error.message : String(error)}`, {
        where,
        error: errorForLog(error),
      });
      return serializeError(error);
    },
    warn(message, error) {
      file?.write('warn', message, error === undefined ? {} : { error: errorForLog(error) });
    },
    info(message, fields) {
      file?.write('info', message, fields);
    },
  };
}

/**
 * `unhandledRejection` and `uncaughtException` in a host process: both are logged; a rejection is
 * survivable (the host keeps serving), an uncaught exception leaves state unknown, so `onFatal` runs
 * (a dialog, a message, then exit). Returns a function that removes the handlers.
 */
export function handleProcessErrors(sink: ErrorSink, onFatal: (error: SerializedError) => void): () => void {
  const rejection = (reason: unknown) => {
    sink.unexpected(reason, 'unhandledRejection');
  };
  const exception = (error: unknown) => onFatal(sink.unexpected(error, 'uncaughtException'));
  process.on('unhandledRejection', rejection);
  process.on('uncaughtException', exception);
  return () => {
    process.off('unhandledRejection', rejection);
    process.off('uncaughtException', exception);
  };
}
