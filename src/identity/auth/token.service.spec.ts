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
});
