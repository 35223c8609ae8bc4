/** The Host interface implemented with Electron: system browser, taskbar/dock progress, notifications. */
import { BrowserWindow, Notification, shell } from 'electron';
import type { Host } from '../engine/host';
import { isAllowedExternal } from './policy';

export function electronHost(licenseServer: () => string | undefined): Host {
  return {
    kind: 'electron',
    async openExternal(url) {
      if (!isAllowedExternal(url, licenseServer()))
        throw new Error(`Refusing to open ${url}: not an allowed address`);
      await shell.openExternal(url);
    },
    setProgress(fraction) {
      for (const window of BrowserWindow.getAllWindows())
        window.setProgressBar(fraction === null ? -1 : fraction);
    },
    notify(title, body) {
      if (Notification.isSupported()) new Notification({ title, body }).show();
    },
    revealInFolder(file) {
      shell.showItemInFolder(file);
    },
  };
}
