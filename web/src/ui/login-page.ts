// The login page: user name and password; a language switch before signing in.
import { login, ApiError } from '../core/api';
import { h, label } from '../core/dom';
import { t } from '../core/i18n';
import { langSwitch } from './settings';

export function loginPage(onDone: () => void): HTMLElement {
  const user = h('input', { name: 'username', autocomplete: 'username', required: true, autofocus: true });
  const pass = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const error = h('div', { class: 'error', role: 'alert' });
  const submit = h('button', { class: 'btn primary', type: 'submit', i18n: 'login.submit' });
  const form = h(
    'form',
    {
      class: 'login-card card',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        error.textContent = '';
        submit.disabled = true;
        try {
          await login(user.value.trim(), pass.value);
          onDone();
        } catch (err) {
          error.textContent =
            err instanceof ApiError && err.status === 401
              ? t('login.failed')
              : err instanceof ApiError
                ? err.describe()
                : t('login.unreachable');
        } finally {
          submit.disabled = false;
        }
      },
    },
    h('div', { class: 'brand big' }, h('span', { class: 'logo' }, '◉'), label(h('span'), 'app.title')),
    label(h('p', { class: 'muted' }), 'login.subtitle'),
    h('label', { class: 'field' }, label(h('span'), 'login.username'), user),
    h('label', { class: 'field' }, label(h('span'), 'login.password'), pass),
    error,
    submit,
    h('div', { class: 'login-foot' }, langSwitch()),
  );
  return h('main', { class: 'login-page' }, form);
}
