import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../testing/fixtures';
import { loadAccountConfig } from './config';
import { testSigner } from '../testing/account-signer';

const key = testSigner().pinned.publicKey;

describe('loadAccountConfig', () => {
  it('reads the server URL and pinned key from the environment first', () => {
    const c = loadAccountConfig(
      { settings: '/nonexistent/settings.json' },
      {
        ATELIER_SERVER_URL: 'https://license.example/some/path',
        ATELIER_SERVER_PUBLIC_KEY: key,
        ATELIER_SERVER_KEY_ID: 'k9',
      },
    );
    expect(c).toEqual({
      serverUrl: 'https://license.example',
      pinnedKeys: [{ keyId: 'k9', publicKey: key }],
    });
  });

  it('reads licenseServer from settings.json, and names the file and field when it is wrong', () => {
    const tmp = tempDir();
    try {
      const settings = path.join(tmp.dir, 'settings.json');
      writeFileSync(
        settings,
        JSON.stringify({ licenseServer: { url: 'http://127.0.0.1:4000', keys: [{ publicKey: key }] } }),
      );
      expect(loadAccountConfig({ settings }, {}).serverUrl).toBe('http://127.0.0.1:4000');
      writeFileSync(
        settings,
        JSON.stringify({ licenseServer: { url: 'http://license.example', keys: [{ publicKey: key }] } }),
      );
      expect(() => loadAccountConfig({ settings }, {})).toThrow(/must use https/);
      writeFileSync(
        settings,
        JSON.stringify({ licenseServer: { url: 'https://license.example', keys: [] } }),
      );
      expect(() => loadAccountConfig({ settings }, {})).toThrow(/settings\.json: keys/);
      writeFileSync(settings, '{ not json');
      expect(() => loadAccountConfig({ settings }, {})).toThrow(/not valid JSON/);
    } finally {
      tmp.cleanup();
    }
  });

  it('says how to configure the server when nothing is set, and refuses a key that is not 32 bytes', () => {
    expect(() => loadAccountConfig({ settings: '/nonexistent/settings.json' }, {})).toThrow(
      /No license server/,
    );
    expect(() =>
      loadAccountConfig(
        { settings: '/x' },
        { ATELIER_SERVER_URL: 'https://a.example', ATELIER_SERVER_PUBLIC_KEY: 'AAAA' },
      ),
    ).toThrow(/32-byte/);
  });
});
