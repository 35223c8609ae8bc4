/**
 * The Electron main process: lifecycle, the window, the menu, and the engine hosted in-process.
 * Everything substantial lives in the engine (plain Node, shared with the CLI and `atelier serve`);
 * this file only wires Electron to it.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { app, BrowserWindow, dialog, Menu } from 'electron';
import { Engine } from '../engine/engine';
import { createHandlers } from '../engine/api/handlers';
import { loadAccountConfig } from '../engine/account/config';
import { profilePaths, resolveProfileDir } from '../engine/profile';
import { errorSinkFor, handleProcessErrors } from '../engine/log/error-sink';
import { electronHost } from './host';
import { broadcastEvent, registerIpc } from './ipc';
import { buildMenu } from './menu';
import { handleAtelierProtocol, registerSchemePrivileges } from './protocol';
import { APP_ORIGIN } from './policy';
import { hardenSessions, hardenWebContents } from './security';
import { loadWindowBounds, trackWindowBounds } from './window-state';

const IMAGE_FILE = /\.(jpe?g|png|webp|avif|tiff?|gif|heic)$/i;
/** Command-line arguments that name something to open: an image, or a folder (expanded by the UI). */
const openable = (args: string[]) =>
  args.filter(
    (a) =>
      !a.startsWith('-') && (IMAGE_FILE.test(a) || statSync(a, { throwIfNoEntry: false })?.isDirectory()),
  );

// The profile's log: start-up failures, uncaught errors and unhandled rejections all end up there.
const log = errorSinkFor(profilePaths(resolveProfileDir()).logs);

/** Something went wrong that leaves the app unusable: log it, tell the person, exit (releasing the lock). */
function fatal(error: unknown, where: string, title = 'Atelier could not start'): void {
  const shown = log.unexpected(error, where);
  const details = log.dir ? `Details are in the log folder: ${log.dir}` : '';
  dialog.showErrorBox(title, [shown.message, shown.hint, details].filter(Boolean).join('\n\n'));
  app.exit(1);
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  handleProcessErrors(log, (e) => fatal(e, 'uncaught exception', 'Atelier hit an unexpected error'));
  registerSchemePrivileges();
  start().catch((error: unknown) => fatal(error, 'start-up'));
}

async function start(): Promise<void> {
  const pendingFiles: string[] = openable(process.argv.slice(app.isPackaged ? 1 : 2));
  // macOS: files dropped on the dock icon or opened with the app.
  app.on('open-file', (event, file) => {
    event.preventDefault();
    pendingFiles.push(file);
    flushFiles();
  });

  await app.whenReady();
  hardenSessions();
  // The same profile the CLI uses (ATELIER_HOME or the OS application-data folder), so both share history.
  const profileDir = resolveProfileDir();
  let licenseServer: string | undefined;
  const host = electronHost(() => licenseServer);
  const resources = app.isPackaged ? process.resourcesPath : app.getAppPath();
  const engine = await Engine.open({ profileDir, modelsDir: path.join(resources, 'models'), host, log });
  try {
    licenseServer = loadAccountConfig(engine.paths).serverUrl;
  } catch {
    licenseServer = undefined; // anonymous use only; the account panel says why
  }
  const stopSweeper = engine.startSweeper();
  registerIpc(createHandlers({ engine, version: app.getVersion(), emit: broadcastEvent }));
  handleAtelierProtocol(engine, path.join(app.getAppPath(), 'dist', 'renderer'));

  const window = createWindow(profileDir, () => licenseServer);
  Menu.setApplicationMenu(buildMenu((command) => broadcastEvent('app.command', { command })));

  function flushFiles(): void {
    if (pendingFiles.length === 0 || window.isDestroyed() || window.webContents.isLoading()) return;
    broadcastEvent('app.openFiles', { paths: pendingFiles.splice(0) });
  }
  window.webContents.on('did-finish-load', flushFiles);

  app.on('second-instance', (_event, argv) => {
    pendingFiles.push(...openable(argv.slice(app.isPackaged ? 1 : 2)));
    if (window.isMinimized()) window.restore();
    window.focus();
    flushFiles();
  });
  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', () => {
    stopSweeper();
    engine.close().catch((error: unknown) => log.warn('closing the engine failed', error));
  });
}

function createWindow(profileDir: string, licenseServer: () => string | undefined): BrowserWindow {
  const window = new BrowserWindow({
    ...loadWindowBounds(profileDir),
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'Atelier',
    backgroundColor: '#1c1c1e',
    webPreferences: {
      preload: path.join(__dirname, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  hardenWebContents(window.webContents, licenseServer);
  trackWindowBounds(window, profileDir);
  window.once('ready-to-show', () => window.show());
  window.loadURL(`${APP_ORIGIN}/index.html`).catch((error: unknown) => fatal(error, 'loading the window'));
  return window;
}
