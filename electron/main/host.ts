/**
 * The Host interface implemented with Electron: system browser, taskbar/dock progress, notifications,
 * the native save dialog and folder picker.
 */
import { app, BrowserWindow, dialog, Notification, shell } from 'electron';
import path from 'node:path';
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
    async saveFileDialog(suggestedName, filters) {
      const window = BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows()[0];
      const options = { defaultPath: path.join(app.getPath('pictures'), suggestedName), filters };
      const result = window
        ? await dialog.showSaveDialog(window, options)
        : await dialog.showSaveDialog(options);
      return result.canceled || !result.filePath ? null : result.filePath;
    },
    async pickFolder() {
      const window = BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows()[0];
      const options = {
        properties: ['openDirectory', 'createDirectory'] as ('openDirectory' | 'createDirectory')[],
      };
      const result = window
        ? await dialog.showOpenDialog(window, options)
        : await dialog.showOpenDialog(options);
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
  };
}
