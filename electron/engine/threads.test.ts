import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SettingsFacade } from './api/settings-facade';
import { Engine } from './engine';
import { ModelSessions } from './models/sessions';
import { tempDir } from './testing/fixtures';

// Settings ▸ Threads reaches onnxruntime: the engine creates its sessions with it at start-up.
describe('the Threads setting', () => {
  const { dir, cleanup } = tempDir('atelier-threads-');
  afterAll(cleanup);
  const profileDir = path.join(dir, 'profile');

  it('is onnxruntime’s intra-op thread count after a restart, and a model runs with it', async () => {
    const first = await Engine.open({ profileDir, provider: 'cpu', billing: 'none' });
    expect(first.sessions.options.intraOpThreads).toBeUndefined(); // 0 = all cores (defaultIntraOpThreads)
    new SettingsFacade(first).set({ threads: 1 });
    await first.close();

    const second = await Engine.open({ profileDir, provider: 'cpu', billing: 'none' });
    try {
      expect(second.sessions.options.intraOpThreads).toBe(1);
      const loaded = await second.sessions.load('u2netp', 'cpu');
      expect(loaded.provider.used).toBe('cpu');
    } finally {
      await second.close();
    }
  });

  it('can be overridden or replaced by the host', async () => {
    const overridden = await Engine.open({ profileDir, provider: 'cpu', billing: 'none', threads: 0 });
    expect(overridden.sessions.options.intraOpThreads).toBeUndefined();
    await overridden.close();
    const injected = await Engine.open({
      profileDir,
      billing: 'none',
      sessions: (registry, store) => {
        expect(store.getSetting('ui.settings')).toMatchObject({ threads: 1 });
        return new ModelSessions(registry, { intraOpThreads: 2 });
      },
    });
    expect(injected.sessions.options.intraOpThreads).toBe(2);
    await injected.close();
  });
});
