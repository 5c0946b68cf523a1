// Admin: users of the department (all for a city admin): list, add, change role, disable.
import type { Role, User } from '../../../gateway/contract';
import { api } from '../core/api';
import { h, label, select, toast } from '../core/dom';
import { t } from '../core/i18n';
import { departmentName, type AppContext } from '../core/context';
import { ROLES, roleLabel } from '../core/roles';
import { attempt, field, table } from '../ui/table';

export function usersPage(ctx: AppContext): HTMLElement {
  const list = h('div');
  const roleName = (r: Role): string => t(roleLabel(r));
  const reload = async (): Promise<void> => {
    const users = (await attempt(() => api<User[]>('GET', '/users'))) ?? [];
    list.replaceChildren(
      table<User>(
        [
          ['user.username', (u) => u.username],
          ['user.displayName', (u) => u.displayName],
          ['user.role', (u) => roleName(u.role)],
          [
            'camera.department',
            (u) => (u.departmentId === null ? t('user.cityWide') : departmentName(ctx, u.departmentId)),
          ],
          ['user.state', (u) => (u.disabled ? t('user.disabled') : t('user.active'))],
          [
            'common.actions',
            (u) =>
              h('button', {
                class: 'btn small',
                i18n: u.disabled ? 'user.enable' : 'user.disable',
                onclick: async () => {
                  if (await attempt(() => api('PATCH', `/users/${u.id}`, { body: { disabled: !u.disabled } })))
                    await reload();
                },
              }),
          ],
        ],
        users,
        (u) => ({ 'data-user': u.username }),
      ),
    );
  };
  const username = h('input', { name: 'username', required: true, minlength: 2 });
  const displayName = h('input', { name: 'displayName' });
  const password = h('input', {
    name: 'password',
    type: 'password',
    required: true,
    minlength: 8,
    autocomplete: 'new-password',
  });
  const role = select(
    'role',
    ROLES.map((r) => [r, roleName(r)]),
    'viewer',
  );
  const deps: Array<[string, string]> = ctx.departments.map((d) => [String(d.id), departmentName(ctx, d.id)]);
  const dept = select(
    'departmentId',
    ctx.me.departmentId === null
      ? [['', t('user.cityWide')], ...deps]
      : deps.filter(([id]) => id === String(ctx.me.departmentId)),
    String(ctx.me.departmentId ?? ''),
  );
  const form = h(
    'form',
    {
      class: 'card form-grid',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        const body = {
          username: username.value.trim(),
          password: password.value,
          displayName: displayName.value.trim(),
          role: role.value,
          departmentId: dept.value ? Number(dept.value) : null,
        };
        if (await attempt(() => api('POST', '/users', { body }))) {
          toast(t('common.created'));
          form.reset();
          await reload();
        }
      },
    },
    field('user.username', username),
    field('user.displayName', displayName),
    field('user.password', password),
    field('user.role', role),
    field('camera.department', dept),
    h('button', { class: 'btn primary', type: 'submit', i18n: 'user.add' }),
  );
  void reload();
  return h('div', { class: 'page admin-page users-page' }, label(h('h1'), 'nav.users'), form, list);
}
