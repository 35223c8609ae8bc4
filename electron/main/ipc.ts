/**
 * The Electron IPC adapter of the API: one invoke channel into the shared handler table (the same
 * table `atelier serve` uses), with the sender checked on every call. Events go to every window.
 */
import { BrowserWindow, ipcMain } from 'electron';
import type { EventName, EventPayload } from '../engine/api/contract';
import { dispatch, type HandlerTable } from '../engine/api/handlers';
import { isTrustedSender } from './policy';

export function registerIpc(table: HandlerTable): void {
  ipcMain.handle('atelier:invoke', async (event, method: unknown, params: unknown) => {
    if (!isTrustedSender(event.senderFrame?.url)) {
      return { ok: false, error: { code: 'AUTH', message: 'IPC from an untrusted frame was refused' } };
    }
    return dispatch(table, typeof method === 'string' ? method : '', params);
  });
}

export function broadcastEvent<E extends EventName>(name: E, payload: EventPayload<E>): void {
  for (const window of BrowserWindow.getAllWindows()) {
    if (!window.isDestroyed()) window.webContents.send('atelier:event', name, payload);
  }
}
