/**
 * The API client: a typed proxy over the contract's method names, on one of two transports: the
 * Electron preload (`window.atelier`) or the WebSocket of `atelier serve`. Nothing here is written per
 * method; the contract (electron/engine/api/contract.ts) is the single source of names and shapes.
 */
import type {
  ApiError,
  AtelierApi,
  EventName,
  EventPayload,
  MethodName,
} from '../../../electron/engine/api/contract';
import { uiErrorText } from './ui-errors';
import { authHeaders, webSocketProtocols, withImageGrant } from './serve-session';

interface Bridge {
  invoke(
    method: string,
    params: unknown,
  ): Promise<{ ok: true; result: unknown } | { ok: false; error: ApiError }>;
  on(event: string, listener: (payload: unknown) => void): () => void;
  getPathForFile(file: File): string;
}

declare global {
  interface Window {
    atelier?: Bridge;
  }
}

export class ApiCallError extends Error {
  constructor(readonly error: ApiError) {
    super(error.message);
  }
}

interface Transport {
  invoke(method: string, params: unknown): Promise<unknown>;
  on(event: string, listener: (payload: unknown) => void): () => void;
}

function electronTransport(bridge: Bridge): Transport {
  return {
    async invoke(method, params) {
      const answer = await bridge.invoke(method, params);
      if (!answer.ok) throw new ApiCallError(answer.error);
      return answer.result;
    },
    on: (event, listener) => bridge.on(event, listener),
  };
}

function webSocketTransport(): Transport {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  let nextId = 1;
  let socket: Promise<WebSocket> | undefined;

  const connect = (): Promise<WebSocket> => {
    socket ??= new Promise((resolve, reject) => {
      const ws = new WebSocket(
        `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api`,
        webSocketProtocols(),
      );
      ws.onopen = () => resolve(ws);
      ws.onerror = () =>
        reject(
          new ApiCallError({
            code: 'NETWORK',
            message: 'Cannot reach Atelier',
            hint: 'is `atelier serve` still running?',
          }),
        );
      ws.onclose = () => {
        socket = undefined;
        for (const p of pending.values())
          p.reject(new ApiCallError({ code: 'NETWORK', message: 'Connection to Atelier lost' }));
        pending.clear();
      };
      ws.onmessage = (message) => {
        const data = JSON.parse(String(message.data)) as {
          id?: number;
          result?: unknown;
          error?: ApiError;
          event?: string;
          payload?: unknown;
        };
        if (data.event) {
          for (const listener of listeners.get(data.event) ?? []) listener(data.payload);
          return;
        }
        const waiter = typeof data.id === 'number' ? pending.get(data.id) : undefined;
        if (!waiter || typeof data.id !== 'number') return;
        pending.delete(data.id);
        if (data.error) waiter.reject(new ApiCallError(data.error));
        else waiter.resolve(data.result);
      };
    });
    return socket;
  };

  return {
    async invoke(method, params) {
      const ws = await connect();
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        ws.send(JSON.stringify({ id, method, params }));
      });
    },
    on(event, listener) {
      void connect().catch(() => undefined);
      const set = listeners.get(event) ?? new Set();
      set.add(listener);
      listeners.set(event, set);
      return () => set.delete(listener);
    },
  };
}

const transport: Transport = window.atelier ? electronTransport(window.atelier) : webSocketTransport();

export const api = new Proxy({} as AtelierApi, {
  get(_target, name: string) {
    if (name === 'on') {
      return <E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) =>
        transport.on(event, listener as (payload: unknown) => void);
    }
    return (params: unknown) => transport.invoke(name as MethodName, params ?? {});
  },
});

export const inElectron = !!window.atelier;

/**
 * Where stored images are shown from: the custom protocol in Electron, HTTP routes in serve (with the
 * read-only image grant). With `max`, the image resized to fit max×max (the editor's preview never
 * loads a 24 MP original).
 */
export function imageUrl(id: number, options: { max?: number } = {}): string {
  const query = options.max ? `?max=${Math.round(options.max)}` : '';
  return inElectron ? `atelier://image/${id}${query}` : withImageGrant(`/image/${id}${query}`);
}
export function thumbUrl(id: number): string {
  return inElectron ? `atelier://thumb/${id}` : withImageGrant(`/thumb/${id}`);
}

/** A dropped file's path: Electron knows it; a browser uploads the bytes to the profile's staging folder. */
export async function pathForFile(file: File): Promise<string> {
  if (window.atelier) return window.atelier.getPathForFile(file);
  const res = await fetch(`/upload?name=${encodeURIComponent(file.name)}`, {
    method: 'POST',
    body: file,
    headers: authHeaders(),
  });
  const body = (await res.json()) as { path?: string; error?: ApiError };
  if (!res.ok || !body.path)
    throw new ApiCallError(body.error ?? { code: 'NETWORK', message: `Upload failed: ${file.name}` });
  return body.path;
}

/** What a person reads for a failed call: plain language, no paths or CLI hints (see ui-errors.ts). */
export function errorText(error: unknown): string {
  if (error instanceof ApiCallError) return uiErrorText(error.error);
  return error instanceof Error ? error.message : String(error);
}

/** Credentials for plain HTTP requests to serve: its token as a Bearer header (none in Electron). */
function requestHeaders(): Record<string, string> {
  return inElectron ? {} : authHeaders();
}

/** Bytes of a same-origin URL (a stored image, a download), authorized like every other request. */
export async function fetchBlob(url: string): Promise<Blob> {
  const res = await fetch(url, { headers: requestHeaders() });
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: ApiError } | null;
    throw new ApiCallError(body?.error ?? { code: 'NETWORK', message: `Could not fetch ${url}` });
  }
  return res.blob();
}

/** A browser download of a URL the engine answered (files.saveAs / history.exportItems in serve). */
export async function downloadUrl(url: string, name: string): Promise<void> {
  const blob = await fetchBlob(url);
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

/** Puts a stored image on the clipboard as PNG (the one image type every app pastes). */
export async function copyImage(imageId: number): Promise<void> {
  const blob = await fetchBlob(imageUrl(imageId));
  const png = blob.type === 'image/png' ? blob : await toPng(blob);
  await navigator.clipboard.write([new ClipboardItem({ 'image/png': png })]);
}

async function toPng(blob: Blob): Promise<Blob> {
  const bitmap = await createImageBitmap(blob);
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  canvas.getContext('2d')?.drawImage(bitmap, 0, 0);
  bitmap.close();
  return canvas.convertToBlob({ type: 'image/png' });
}
