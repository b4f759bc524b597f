import { emailAddressProblem } from '@tessera/common';
import { UsersService } from '../identity/users.service';
import { withApp } from './app-context';
import { parseOptions, required, UsageError } from './cli-input';

/** `create-admin --email … --password …`: a platform admin, or an existing account made one. */
export async function createAdminCommand(args: string[]): Promise<number> {
  const values = parseOptions('create-admin', args, {
    email: { type: 'string' },
    password: { type: 'string' },
    'first-name': { type: 'string' },
    'last-name': { type: 'string' },
  });
  const email = required('create-admin', 'email', values.email);
  const password = required('create-admin', 'password', values.password);
  const emailProblem = emailAddressProblem(email);
  if (emailProblem) throw new UsageError(`create-admin --email ${emailProblem}.`, 'create-admin');
  if (password.length < 10) throw new UsageError('create-admin needs a --password of at least 10 characters.', 'create-admin');
  return withApp(async (app) => {
    const users = app.get(UsersService);
    const { user, created } = await users.findOrCreate({
      email,
      password,
      firstName: values['first-name'] ?? 'Platform',
      lastName: values['last-name'] ?? 'Admin',
      isPlatformAdmin: true,
      emailVerified: true, // the operator vouches for the address
    });
    if (!created) {
      await users.setPassword(user.id, password);
      await users.setPlatformAdmin(user.id, true);
    }
    console.log(`${created ? 'Created' : 'Updated'} platform admin ${user.email}`);
    return 0;
  });
}
