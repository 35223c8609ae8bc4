import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { REDACTED_HEADERS } from '../../../server/src/redaction';
import { AtelierError, DEFAULT_HINTS, errorForLog, serializeError, type ErrorCode } from '../errors';
import { repoRoot, tempDir } from '../testing/fixtures';
import { createErrorSink } from './error-sink';
import { LogFile } from './log-file';
import { SECRET_HEADERS, redactText } from './redact';

const run = promisify(execFile);
const { dir, cleanup } = tempDir('atelier-log-');
afterAll(cleanup);
const lines = (file: string) =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('the log file', () => {
  it('redacts secrets the way the server does, and keeps error codes', () => {
    for (const header of REDACTED_HEADERS) expect(SECRET_HEADERS).toContain(header);
    const sink = createErrorSink(path.join(dir, 'redact'));
    const secrets = [
      'eyJhbGciOi.secret-access',
      'r3fresh-Secret',
      'hunter2-password',
      'srv-token-123',
      'c0de-x',
    ];
    sink.unexpected(
      new AtelierError(
        'INTERNAL',
        `POST /oauth/token failed: refresh_token=${secrets[1]}&code=${secrets[4]}`,
        {
          cause: new Error(`Authorization: Bearer ${secrets[0]}`),
        },
      ),
      'sign-in',
    );
    sink.info('request', {
      headers: { authorization: `Bearer ${secrets[0]}`, cookie: `atelier_token=${secrets[3]}` },
      body: JSON.stringify({ email: 'a@b.c', password: secrets[2] }),
      url: `http://127.0.0.1:4100/?token=${secrets[3]}`,
    });
    const text = readFileSync(path.join(dir, 'redact', 'atelier.log'), 'utf8');
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).toContain('[redacted]');
    const [first] = lines(path.join(dir, 'redact', 'atelier.log'));
    expect((first!.error as { code: string }).code).toBe('INTERNAL');
    expect(text).toContain('a@b.c');
    expect(redactText('Bearer abc.def')).toBe('Bearer [redacted]');
  });

  it('keeps stack and cause in the log, never in what crosses to the UI', () => {
    const error = new AtelierError('DATABASE', 'Cannot open the history', {
      cause: new Error('disk I/O error'),
    });
    const logged = errorForLog(error);
    expect(logged.stack).toContain('log.test.ts');
    expect((logged.cause as { message: string }).message).toBe('disk I/O error');
    expect(logged.hint).toBe(DEFAULT_HINTS.DATABASE);
    const shown = serializeError(error);
    expect(JSON.stringify(shown)).not.toContain('disk I/O error');
    expect(shown).not.toHaveProperty('stack');
  });

  it('rotates by size and keeps a fixed number of old files', () => {
    const logDir = path.join(dir, 'rotate');
    const file = new LogFile(logDir, { maxBytes: 2_000, keep: 2 });
    for (let i = 0; i < 100; i++) file.write('info', `line ${i} ${'x'.repeat(80)}`);
    expect(readdirSync(logDir).sort()).toEqual(['atelier.1.log', 'atelier.2.log', 'atelier.log']);
    for (const name of readdirSync(logDir))
      expect(readFileSync(path.join(logDir, name)).length).toBeLessThanOrEqual(2_000);
    expect(readFileSync(path.join(logDir, 'atelier.log'), 'utf8')).toContain('line 99');
    // A second writer on the same folder (a restart) continues the current file's size.
    new LogFile(logDir, { maxBytes: 2_000, keep: 2 }).write('info', 'after restart');
    expect(readFileSync(path.join(logDir, 'atelier.log'), 'utf8')).toContain('after restart');
  });

  it('gives every error code a default hint', () => {
    const codes = Object.keys(DEFAULT_HINTS) as ErrorCode[];
    for (const code of codes) {
      expect(DEFAULT_HINTS[code].length).toBeGreaterThan(10);
      expect(new AtelierError(code, 'x').hint).toBe(DEFAULT_HINTS[code]);
    }
    expect(new AtelierError('NOT_FOUND', 'x', { hint: 'a specific hint' }).hint).toBe('a specific hint');
  });
});

describe('hosts', () => {
  it('log an unhandled rejection (stack and cause) and keep running', async () => {
    const logDir = path.join(dir, 'child');
    const child = path.join(repoRoot, 'electron/engine/testing/log-child.ts');
    const { stdout } = await run(process.execPath, ['--import', 'tsx', child, logDir], { cwd: repoRoot });
    expect(stdout).toContain('still alive');
    const [record] = lines(path.join(logDir, 'atelier.log'));
    expect(record).toMatchObject({ level: 'error', where: 'unhandledRejection' });
    const error = record!.error as { stack: string; cause: { message: string } };
    expect(error.stack).toContain('log-child.ts');
    expect(error.cause.message).toBe('the root cause');
  });

  it('the CLI: a start-up failure prints a clear message, logs the details and exits', async () => {
    const profile = path.join(dir, 'broken-profile');
    await run(
      process.execPath,
      ['--import', 'tsx', 'electron/engine/cli.ts', 'history', 'list', '--profile', profile],
      {
        cwd: repoRoot,
      },
    );
    writeFileSync(path.join(profile, 'atelier.db'), 'this is not a SQLite database'.repeat(200));
    for (const name of readdirSync(profile))
      if (name.startsWith('atelier.db-')) writeFileSync(path.join(profile, name), '');
    const failed = await run(
      process.execPath,
      ['--import', 'tsx', 'electron/engine/cli.ts', 'serve', '--no-browser', '--profile', profile],
      { cwd: repoRoot },
    ).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(failed.code).toBe(2);
    expect(failed.stderr).toMatch(/^atelier: .+/m);
    expect(failed.stderr).toContain(`details are in ${path.join(profile, 'logs')}`);
    const logFile = path.join(profile, 'logs', 'atelier.log');
    expect(existsSync(logFile)).toBe(true);
    const record = lines(logFile).at(-1)!;
    expect(record).toMatchObject({ level: 'error', where: 'atelier serve' });
    expect((record.error as { stack: string }).stack).toMatch(/at /);
    console.log(`log excerpt from a failed start-up:\n${JSON.stringify(record).slice(0, 600)}`);
  });
});
