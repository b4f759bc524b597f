import { JwtService } from '@nestjs/jwt';
import type { AppConfig } from '../../config/config';
import type { User } from '../entities/user.entity';
import type { UsersService } from '../users.service';
import { TokenService } from './token.service';

describe('TokenService: a token is good only in the session generation it was issued in', () => {
  const jwt = new JwtService({ secret: 'unit-test-secret-of-enough-length' });
  const user = { id: '0190a0a0-0000-7000-8000-000000000001', isPlatformAdmin: false, sessionGeneration: 0 } as User;
  const users = { findById: async (id: string) => (id === user.id ? { ...user } : null) } as unknown as UsersService;
  const tokens = new TokenService(jwt, users, { auth: { tokenTtlSeconds: 3600 } } as AppConfig);

  beforeEach(() => (user.sessionGeneration = 0));

  it('accepts a token of the current generation, and one of the same second after a change', async () => {
    const before = tokens.issue(user).accessToken;
    await expect(tokens.authenticate(before)).resolves.toMatchObject({ kind: 'user', userId: user.id });
    user.sessionGeneration = 1; // the password changed
    const after = tokens.issue(user).accessToken;
    await expect(tokens.authenticate(after)).resolves.toMatchObject({ userId: user.id });
    await expect(tokens.authenticate(before)).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
      message: expect.stringMatching(/sign in again/),
    });
  });

  it('takes a token from before generations existed (no gen claim) as generation 0', async () => {
    const legacy = jwt.sign({ sub: user.id }, { expiresIn: 3600 });
    await expect(tokens.authenticate(legacy)).resolves.toMatchObject({ userId: user.id });
    user.sessionGeneration = 2;
    await expect(tokens.authenticate(legacy)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  describe('says why a token is refused', () => {
    const refusal = (token: string) =>
      tokens.authenticate(token).then(
        () => undefined,
        (error: { code: string; details: unknown }) => error,
      );

    it('an expired token: TOKEN_EXPIRED, for the client to sign in again', async () => {
      const expired = jwt.sign({ sub: user.id, gen: 0 }, { expiresIn: -10 });
      expect(await refusal(expired)).toMatchObject({ code: 'UNAUTHENTICATED', details: { reason: 'TOKEN_EXPIRED' } });
    });

    it.each([
      ['garbage', 'not-a-token'],
      ['a token signed with another secret', new JwtService({ secret: 'another-secret-of-enough-length' }).sign({ sub: user.id, gen: 0 })],
      // Checked before the expiry: "expired" is said only of a token Tessera issued.
      [
        'an expired token signed with another secret',
        new JwtService({ secret: 'another-secret-of-enough-length' }).sign({ sub: user.id, gen: 0 }, { expiresIn: -10 }),
      ],
      [
        'a token of an account that no longer exists',
        jwt.sign({ sub: '0190a0a0-0000-7000-8000-0000000000ff', gen: 0 }, { expiresIn: 3600 }),
      ],
    ])('%s: TOKEN_INVALID', async (_label, token) => {
      expect(await refusal(token)).toMatchObject({ code: 'UNAUTHENTICATED', details: { reason: 'TOKEN_INVALID' } });
    });

    it('a token from before a password change: SESSION_ENDED', async () => {
      const before = tokens.issue(user).accessToken;
      user.sessionGeneration = 1;
      expect(await refusal(before)).toMatchObject({ code: 'UNAUTHENTICATED', details: { reason: 'SESSION_ENDED' } });
    });
  });
});
