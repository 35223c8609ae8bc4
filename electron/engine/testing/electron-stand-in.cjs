/**
 * A stand-in for the `electron` module, for electron/main/test/main-smoke.test.ts: only the API surface
 * electron/main uses, every call recorded. The Electron binary cannot be fetched on our machines, so the
 * built main-process bundle runs in plain Node against this (loaded with `--require` through
 * electron-stand-in-register.cjs). The test drives it over the fork IPC channel:
 *   → { id, type: 'invoke', method, params }      the renderer calling the API through ipcMain
 *   → { id, type: 'protocol', url }               a request to the atelier:// scheme
 *   → { id, type: 'menu', label }                 a click on the application menu item `label`
 *   → { id, type: 'open-file', path }             macOS "open with" / a file dropped on the dock
 *   → { id, type: 'calls' }                       what was recorded so far
 *   ← { type: 'event', name, payload }            what webContents.send delivered to the renderer
 *   ← { type: 'dialog', title, content }          dialog.showErrorBox
 *   ← { type: 'ready' }                           the window finished loading
 *   ← { id, type: 'reply', value }
 */
'use strict';
const { EventEmitter } = require('node:events');
const { readFile } = require('node:fs/promises');
const { fileURLToPath } = require('node:url');

const calls = [];
const record = (what, ...args) =>
  calls.push({ what, args: JSON.parse(JSON.stringify(args ?? null) ?? 'null') });
const send = (message) => process.send?.(message);

class WebContents extends EventEmitter {
  constructor() {
    super();
    this.loading = true;
  }
  send(channel, name, payload) {
    record('webContents.send', channel, name);
    if (channel === 'atelier:event') send({ type: 'event', name, payload });
  }
  isLoading() {
    return this.loading;
  }
  setWindowOpenHandler(handler) {
    record('webContents.setWindowOpenHandler');
    this.openHandler = handler;
  }
}

const windows = [];
class BrowserWindow extends EventEmitter {
  constructor(options) {
    super();
    record('new BrowserWindow', options);
    this.options = options;
    this.webContents = new WebContents();
    this.destroyed = false;
    windows.push(this);
    app.emit('web-contents-created', {}, this.webContents);
  }
  static getAllWindows() {
    return windows.filter((w) => !w.destroyed);
  }
  async loadURL(url) {
    record('BrowserWindow.loadURL', url);
    // Load the page the way Chromium would: through the registered scheme handler.
    const response = await protocolHandlers.get(new URL(url).protocol.replace(':', ''))?.(new Request(url));
    record('page', url, response?.status, response?.headers.get('content-security-policy'));
    this.webContents.loading = false;
    this.webContents.emit('did-finish-load');
    this.emit('ready-to-show');
    send({ type: 'ready' });
  }
  isDestroyed() {
    return this.destroyed;
  }
  isMinimized() {
    return false;
  }
  restore() {}
  focus() {
    record('BrowserWindow.focus');
  }
  show() {
    record('BrowserWindow.show');
  }
  setProgressBar(value) {
    record('BrowserWindow.setProgressBar', value);
  }
  getNormalBounds() {
    return { x: 0, y: 0, width: this.options.width, height: this.options.height };
  }
}

const readyPromise = Promise.resolve();
const app = new EventEmitter();
Object.assign(app, {
  isPackaged: false,
  requestSingleInstanceLock() {
    record('app.requestSingleInstanceLock');
    return true;
  },
  whenReady: () => readyPromise,
  getAppPath: () => process.env.ATELIER_STAND_IN_APP_PATH ?? process.cwd(),
  getVersion: () => '0.0.0-stand-in',
  quit() {
    record('app.quit');
    app.exit(0);
  },
  exit(code) {
    record('app.exit', code);
    send({ type: 'exit', code });
    // Let the IPC channel deliver what was sent, then end like Electron does.
    setTimeout(() => process.exit(code), 50);
  },
});

const ipcHandlers = new Map();
const ipcMain = {
  handle(channel, handler) {
    record('ipcMain.handle', channel);
    ipcHandlers.set(channel, handler);
  },
};

const protocolHandlers = new Map();
const protocol = {
  registerSchemesAsPrivileged(schemes) {
    record('protocol.registerSchemesAsPrivileged', schemes);
  },
  handle(scheme, handler) {
    record('protocol.handle', scheme);
    protocolHandlers.set(scheme, handler);
  },
};

/** net.fetch as the protocol handler uses it: file:// URLs of the built renderer. */
const net = {
  async fetch(url) {
    try {
      return new Response(await readFile(fileURLToPath(url)), { status: 200 });
    } catch {
      return new Response('not found', { status: 404 });
    }
  },
};

const templates = [];
const Menu = {
  buildFromTemplate(template) {
    record('Menu.buildFromTemplate');
    templates.push(template);
    return { template };
  },
  setApplicationMenu(menu) {
    record('Menu.setApplicationMenu');
    Menu.current = menu;
  },
};
const findItem = (items, label) => {
  for (const item of items ?? []) {
    if (item.label === label) return item;
    const inner = findItem(Array.isArray(item.submenu) ? item.submenu : [], label);
    if (inner) return inner;
  }
  return undefined;
};

const dialog = {
  showErrorBox(title, content) {
    record('dialog.showErrorBox', title, content);
    send({ type: 'dialog', title, content });
  },
};

const session = {
  defaultSession: {
    setPermissionRequestHandler: () => record('session.setPermissionRequestHandler'),
    setPermissionCheckHandler: () => record('session.setPermissionCheckHandler'),
  },
};
const shell = {
  openExternal: async (url) => record('shell.openExternal', url),
  showItemInFolder: (file) => record('shell.showItemInFolder', file),
  openPath: async (file) => (record('shell.openPath', file), ''),
};
class Notification {
  static isSupported() {
    return false;
  }
  show() {}
}
const screen = { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] };

process.on('message', async (message) => {
  const reply = (value) => send({ id: message.id, type: 'reply', value });
  try {
    if (message.type === 'invoke') {
      const handler = ipcHandlers.get('atelier:invoke');
      const event = { senderFrame: { url: message.senderUrl ?? 'atelier://app/index.html' } };
      return reply(await handler(event, message.method, message.params));
    }
    if (message.type === 'protocol') {
      const handler = protocolHandlers.get(new URL(message.url).protocol.replace(':', ''));
      const response = await handler(new Request(message.url));
      const bytes = Buffer.from(await response.arrayBuffer());
      return reply({
        status: response.status,
        type: response.headers.get('content-type'),
        csp: response.headers.get('content-security-policy'),
        bytes: bytes.length,
        head: bytes.subarray(0, 8).toString('hex'),
      });
    }
    if (message.type === 'menu') {
      const item = findItem(Menu.current?.template, message.label);
      if (!item?.click) return reply({ error: `no menu item "${message.label}"` });
      item.click();
      return reply({ clicked: message.label });
    }
    if (message.type === 'open-file') {
      app.emit('open-file', { preventDefault: () => record('open-file.preventDefault') }, message.path);
      return reply({ ok: true });
    }
    if (message.type === 'calls') return reply(calls);
  } catch (error) {
    reply({ error: String(error && error.stack ? error.stack : error) });
  }
});

module.exports = {
  app,
  BrowserWindow,
  Menu,
  Notification,
  dialog,
  ipcMain,
  net,
  protocol,
  screen,
  session,
  shell,
  // The preload's side, never used by the main process (present so a wrong import fails loudly).
  contextBridge: undefined,
  ipcRenderer: undefined,
  webUtils: undefined,
};
