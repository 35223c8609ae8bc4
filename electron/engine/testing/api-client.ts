/**
 * A small API client over the real WebSocket of `atelier serve`, as the renderer uses it: calls by
 * method name, and every pushed event kept in order.
 */
import { WebSocket } from 'ws';

export class ApiTestClient {
  private next = 1;
  private readonly pending = new Map<
    number,
    (m: { result?: unknown; error?: { code: string; message: string } }) => void
  >();
  readonly events: { event: string; payload: Record<string, unknown> }[] = [];
  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const m = JSON.parse(data.toString()) as {
        id?: number;
        event?: string;
        payload?: Record<string, unknown>;
      };
      if (m.event) this.events.push({ event: m.event, payload: m.payload ?? {} });
      else if (typeof m.id === 'number') this.pending.get(m.id)?.(m as never);
    });
  }
  /** The first event `name` (already received or still to come) whose payload passes `match`. */
  waitForEvent(
    name: string,
    match: (payload: Record<string, unknown>) => boolean = () => true,
    timeoutMs = 60_000,
  ): Promise<Record<string, unknown>> {
    const found = () => this.events.find((e) => e.event === name && match(e.payload))?.payload;
    return new Promise((resolve, reject) => {
      const now = found();
      if (now) return resolve(now);
      const timer = setTimeout(() => {
        this.ws.off('message', check);
        reject(new Error(`no '${name}' event matched within ${timeoutMs} ms`));
      }, timeoutMs);
      const check = () => {
        const payload = found();
        if (!payload) return;
        clearTimeout(timer);
        this.ws.off('message', check);
        resolve(payload);
      };
      this.ws.on('message', check);
    });
  }

  call(method: string, params: unknown = {}) {
    const id = this.next++;
    return new Promise<{ result?: unknown; error?: { code: string; message: string } }>((resolve) => {
      this.pending.set(id, resolve);
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }
}

export function connect(
  url: string,
  headers: Record<string, string>,
  protocols: string[] = [],
): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}
