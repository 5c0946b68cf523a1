// cloudeye user add --name N --password P --role R [--department CODE]
import { loadConfig } from '../../config/load';
import { hashPassword } from '../auth/passwords';
import { ROLES, type Role } from '../auth/policy';
import { AccountsRepo } from '../db/accounts-repo';
import { OrgRepo } from '../db/org-repo';
import { CONFIG_FLAG, parseArgs, strFlag, UsageError, type CommandSpec } from './args';
import { withDatabase } from './db-session';

export const USER: CommandSpec = {
  name: 'cloudeye user',
  synopsis: 'add --name N --password P --role R [--department CODE] [--config FILE]',
  flags: {
    name: { kind: 'value', arg: 'N', about: 'login name' },
    password: { kind: 'value', arg: 'P', about: 'at least 8 characters' },
    role: { kind: 'value', arg: 'R', about: ROLES.join(' | ') },
    department: { kind: 'value', arg: 'CODE', about: "code of the user's department (default: none)" },
    ...CONFIG_FLAG,
  },
  maxPositional: 1,
};

export async function userCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, USER);
  if (args.positional[0] !== 'add')
    throw new UsageError(
      'cloudeye user: only "add" is supported: user add --name N --password P --role R [--department CODE]',
    );
  const name = strFlag(args, 'name');
  const password = strFlag(args, 'password');
  const role = strFlag(args, 'role') as Role | undefined;
  const dept = strFlag(args, 'department');
  if (!name || !password || !role)
    throw new UsageError('cloudeye user add: --name, --password and --role are required');
  if (!ROLES.includes(role))
    throw new UsageError(`cloudeye user add: --role must be one of ${ROLES.join(', ')}, got ${role}`);
  if (password.length < 8) throw new UsageError('cloudeye user add: --password must have at least 8 characters');
  const file = strFlag(args, 'config');
  const config = loadConfig(file ? { file } : {});
  return withDatabase(config, async (db) => {
    let departmentId: number | null = null;
    if (dept) {
      const d = await new OrgRepo(db.knex).departmentByCode(dept);
      if (!d) throw new UsageError(`cloudeye user add: no department with code ${dept}`);
      departmentId = d.id;
    }
    const u = await new AccountsRepo(db.knex).createUser({
      username: name,
      displayName: name,
      passwordHash: await hashPassword(password),
      role,
      departmentId,
      areaGridId: null,
      locale: 'zh-CN',
    });
    process.stdout.write(`user ${u.username} (${u.role}${dept ? `, ${dept}` : ''}) created with id ${u.id}\n`);
    return 0;
  });
}
