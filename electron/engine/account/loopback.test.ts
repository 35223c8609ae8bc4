import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { AtelierError } from '../errors';
import { startLoopbackListener } from './loopback';

describe('loopback redirect listener', () => {
  it('listens on 127.0.0.1 with an OS-chosen port and resolves with the code for the right state', async () => {
    const l = await startLoopbackListener({ state: 'abc' });
    try {
      expect(l.redirectUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
      const res = await fetch(`${l.redirectUri}?code=the-code&state=abc`);
      expect(res.status).toBe(200);
      expect(await res.text()).toMatch(/close this tab/);
      await expect(l.code).resolves.toBe('the-code');
    } finally {
      await l.close();
    }
  });

  it('refuses a wrong state and keeps waiting for the real redirect', async () => {
    const l = await startLoopbackListener({ state: 'right' });
    try {
      const forged = await fetch(`${l.redirectUri}?code=evil&state=wrong`);
      expect(forged.status).toBe(400);
      expect((await fetch(`${l.redirectUri.replace('/callback', '/other')}`)).status).toBe(404);
      await fetch(`${l.redirectUri}?code=good&state=right`);
      await expect(l.code).resolves.toBe('good');
    } finally {
      await l.close();
    }
  });

  it('round 3, same shape as finding 6: a malformed request target is answered, and the listener keeps waiting', async () => {
    const l = await startLoopbackListener({ state: 's' });
    try {
      const { port } = new URL(l.redirectUri);
      // What a web page can make a browser send (`//[bad`), and what a local client can (absolute form).
      for (const target of ['//[bad/callback?code=x&state=s', 'http://[bad/x']) {
        const answer = await new Promise<string>((resolve, reject) => {
          const socket = connect(Number(port), '127.0.0.1', () =>
            socket.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`),
          );
          let text = '';
          socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
          socket.on('close', () => resolve(text));
          socket.on('error', reject);
        });
        expect(answer, target).toMatch(/^HTTP\/1\.1 404/);
      }
      await fetch(`${l.redirectUri}?code=good&state=s`);
      await expect(l.code).resolves.toBe('good');
    } finally {
      await l.close();
    }
  });

  it('turns an error redirect, a timeout and a cancel into AtelierErrors', async () => {
    const denied = await startLoopbackListener({ state: 's' });
    await fetch(`${denied.redirectUri}?error=access_denied&state=s`);
    await expect(denied.code).rejects.toMatchObject({
      code: 'AUTH',
      message: expect.stringMatching(/access_denied/),
    });
    await denied.close();

    const slow = await startLoopbackListener({ state: 's', timeoutMs: 50 });
    const e = await slow.code.catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AtelierError);
    expect((e as AtelierError).message).toMatch(/not completed/);
    await slow.close();

    const controller = new AbortController();
    const cancelled = await startLoopbackListener({ state: 's', signal: controller.signal });
    controller.abort();
    await expect(cancelled.code).rejects.toMatchObject({ code: 'CANCELLED' });
    await cancelled.close();
    await expect(fetch(`${cancelled.redirectUri}?code=x&state=s`)).rejects.toThrow();
  });
});
