/**
 * Test-only preload (`node --import`): appends every outgoing connection this process (and its worker
 * threads) opens to the file named by ATELIER_CONNECTION_LOG, one JSON line each: TCP and IPC sockets
 * through net.Socket.prototype.connect (fetch, http, https, tls and WebSocket all end there) and every
 * host name looked up through dns, so a connection made by name is caught even before it opens.
 * What is written to those outgoing sockets is recorded too (Base64), so a test can check that no
 * photo's bytes ever left the process.
 */
import { appendFileSync } from 'node:fs';
import dns from 'node:dns';
import net from 'node:net';

const log = process.env.ATELIER_CONNECTION_LOG;
if (log) {
  const record = (entry) => appendFileSync(log, `${JSON.stringify({ pid: process.pid, ...entry })}\n`);

  const connect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function (...args) {
    let options = args[0];
    if (Array.isArray(options)) options = options[0]; // net's internal normalized form
    if (typeof options === 'object' && options !== null) {
      record(
        options.path
          ? { kind: 'ipc', path: String(options.path) }
          : { kind: 'tcp', host: options.host ?? 'localhost', port: Number(options.port) },
      );
    } else if (typeof options === 'string' && Number.isNaN(Number(options))) {
      record({ kind: 'ipc', path: options });
    } else {
      record({
        kind: 'tcp',
        host: typeof args[1] === 'string' ? args[1] : 'localhost',
        port: Number(options),
      });
    }
    this.atelierOutgoing = true;
    return connect.apply(this, args);
  };

  const write = net.Socket.prototype.write;
  net.Socket.prototype.write = function (chunk, ...rest) {
    if (this.atelierOutgoing && chunk != null && typeof chunk !== 'function') {
      const bytes =
        typeof chunk === 'string'
          ? Buffer.from(chunk)
          : Buffer.from(chunk.buffer ?? chunk, chunk.byteOffset ?? 0, chunk.byteLength ?? chunk.length);
      record({
        kind: 'data',
        to: `${this.remoteAddress}:${this.remotePort}`,
        base64: bytes.toString('base64'),
      });
    }
    return write.call(this, chunk, ...rest);
  };

  const lookup = dns.lookup;
  dns.lookup = function (hostname, ...rest) {
    record({ kind: 'dns', host: String(hostname) });
    return lookup.call(this, hostname, ...rest);
  };
  const promisesLookup = dns.promises.lookup;
  dns.promises.lookup = function (hostname, ...rest) {
    record({ kind: 'dns', host: String(hostname) });
    return promisesLookup.call(this, hostname, ...rest);
  };
}
