import { describe, expect, it } from 'vitest';
import { isAllowedExternal, isAppNavigation, isTrustedSender } from './policy';

describe('shell security policy', () => {
  it('opens only our https site and the configured license server in the system browser', () => {
    expect(isAllowedExternal('https://atelier.app/help', undefined)).toBe(true);
    expect(isAllowedExternal('http://atelier.app/help', undefined)).toBe(false);
    expect(isAllowedExternal('https://atelier.app.evil.example/', undefined)).toBe(false);
    expect(isAllowedExternal('file:///etc/passwd', undefined)).toBe(false);
    expect(isAllowedExternal('javascript:alert(1)', undefined)).toBe(false);
    expect(isAllowedExternal('not a url', undefined)).toBe(false);
    expect(
      isAllowedExternal('https://license.example.com/oauth/authorize?x=1', 'https://license.example.com'),
    ).toBe(true);
    expect(
      isAllowedExternal('https://license.example.com.evil.example/', 'https://license.example.com'),
    ).toBe(false);
  });

  it('accepts IPC only from the app page, not from other schemes or look-alike hosts', () => {
    expect(isTrustedSender('atelier://app/index.html')).toBe(true);
    expect(isTrustedSender('atelier://image/3')).toBe(false);
    expect(isTrustedSender('atelier://app.evil/index.html')).toBe(false);
    expect(isTrustedSender('https://app/index.html')).toBe(false);
    expect(isTrustedSender('file:///index.html')).toBe(false);
    expect(isTrustedSender(undefined)).toBe(false);
    expect(isAppNavigation('https://example.com/')).toBe(false);
  });
});
