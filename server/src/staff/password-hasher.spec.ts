import { DECOY_PASSWORD_HASH, hashPassword, verifyPassword } from './password-hasher';

describe('staff passwords', () => {
  it('are stored as salted scrypt and verified', async () => {
    const stored = await hashPassword('西湖店2026!');
    expect(stored).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(stored).not.toContain('西湖店2026!');
    expect(await hashPassword('西湖店2026!')).not.toBe(stored);
    expect(await verifyPassword('西湖店2026!', stored)).toBe(true);
    expect(await verifyPassword('西湖店2026', stored)).toBe(false);
  });

  it('the decoy hash for unknown accounts matches nothing', async () => {
    expect(await verifyPassword('', DECOY_PASSWORD_HASH)).toBe(false);
    expect(await verifyPassword('anything', DECOY_PASSWORD_HASH)).toBe(false);
  });
});
