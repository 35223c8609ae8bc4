/** Application menu with the usual shortcuts; commands that belong to the UI are sent to it as events. */
import { Menu, app, type MenuItemConstructorOptions } from 'electron';
import type { AppCommand } from '../engine/api/contract';

export function buildMenu(send: (command: AppCommand) => void): Menu {
  const isMac = process.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'Open Photos…', accelerator: 'CmdOrCtrl+O', click: () => send('open') },
        { label: 'Export History…', accelerator: 'CmdOrCtrl+Shift+E', click: () => send('export-history') },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        { label: 'Studio', accelerator: 'CmdOrCtrl+1', click: () => send('go:studio') },
        { label: 'History', accelerator: 'CmdOrCtrl+2', click: () => send('go:history') },
        { label: 'Account', accelerator: 'CmdOrCtrl+3', click: () => send('go:account') },
        { label: 'Settings', accelerator: 'CmdOrCtrl+,', click: () => send('go:settings') },
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { role: 'togglefullscreen' },
        ...(app.isPackaged ? [] : [{ role: 'toggleDevTools' as const }]),
      ],
    },
    { role: 'windowMenu' },
  ];
  return Menu.buildFromTemplate(template);
}
