/**
 * Test-only: the API over the real WebSocket of `atelier serve`, as the renderer uses it, plus the
 * upload route a browser uses for dropped files. Not imported by product code.
 */
import { WebSocket } from 'ws';

type Reply = { result?: unknown; error?: { code: string; message: string; hint?: string } };

export class WsClient {
  private next = 1;
  private readonly pending = new Map<number, (m: Reply) => void>();
  readonly events: { event: string; payload: Record<string, unknown> }[] = [];

  private constructor(
    readonly ws: WebSocket,
    readonly origin: string,
    readonly token: string,
  ) {
    ws.on('message', (data) => {
      const m = JSON.parse(data.toString()) as Reply & {
        id?: number;
        event?: string;
        payload?: Record<string, unknown>;
      };
      if (m.event) this.events.push({ event: m.event, payload: m.payload ?? {} });
      else if (typeof m.id === 'number') this.pending.get(m.id)?.(m);
    });
  }

  /** Connects to `<origin>/api` with the token cookie and the app's own Origin, as the UI does. */
  static connect(origin: string, token: string): Promise<WsClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${origin.replace('http', 'ws')}/api`, {
        headers: { Origin: origin, Cookie: `atelier_token=${token}` },
      });
      ws.once('open', () => resolve(new WsClient(ws, origin, token)));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  call(method: string, params: unknown = {}): Promise<Reply> {
    const id = this.next++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }

  /** The result, or throws with the API error's code and message. */
  async ok<T = Record<string, unknown>>(method: string, params: unknown = {}): Promise<T> {
    const reply = await this.call(method, params);
    if (reply.error) throw new Error(`${method}: ${reply.error.code} ${reply.error.message}`);
    return reply.result as T;
  }

  get headers(): Record<string, string> {
    return { Cookie: `atelier_token=${this.token}`, Origin: this.origin };
  }

  /** POST /upload, as the browser UI does for a dropped file; returns the staged path. */
  async upload(name: string, bytes: Buffer): Promise<string> {
    const res = await fetch(`${this.origin}/upload?name=${encodeURIComponent(name)}`, {
      method: 'POST',
      body: new Uint8Array(bytes),
      headers: this.headers,
    });
    if (!res.ok) throw new Error(`upload ${name}: HTTP ${res.status} ${await res.text()}`);
    return ((await res.json()) as { path: string }).path;
  }

  /** Starts a batch and waits for its final progress event; returns its finished item events. */
  async runBatch(
    operation: string,
    inputs: string[],
    params: Record<string, unknown> = {},
  ): Promise<Record<string, unknown>[]> {
    const { batchId } = await this.ok<{ batchId: string }>('batch.start', { operation, params, inputs });
    const deadline = Date.now() + 120_000;
    while (
      !this.events.some(
        (e) => e.event === 'batch.progress' && e.payload.batchId === batchId && e.payload.finished,
      )
    ) {
      if (Date.now() > deadline) throw new Error(`batch ${batchId} did not finish`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return this.events
      .filter(
        (e) => e.event === 'batch.item' && e.payload.batchId === batchId && e.payload.stage === 'finished',
      )
      .map((e) => e.payload);
  }

  close(): void {
    this.ws.close();
  }
}
