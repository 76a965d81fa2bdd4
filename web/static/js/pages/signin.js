// Sign in with an API token. The token is checked with GET /v2/me and kept
// in sessionStorage for this tab only.

import * as api from '../api.js';
import * as session from '../session.js';
import {h} from '../dom.js';
import {navigate} from '../router.js';
import {field, formError, showErrors, clearErrors} from '../components/fields.js';

export default function signinPage(ctx, main) {
  document.title = 'Sign in · hookd';
  const input = h('input', {
    type: 'password', name: 'token', class: 'input mono', autocomplete: 'off', spellcheck: 'false',
    required: true, placeholder: 'hkd_…',
  });
  const show = h('button', {type: 'button', class: 'btn btn-ghost btn-sm input-addon', 'aria-pressed': 'false'}, 'Show');
  show.addEventListener('click', () => {
    const hidden = input.type === 'password';
    input.type = hidden ? 'text' : 'password';
    show.textContent = hidden ? 'Hide' : 'Show';
    show.setAttribute('aria-pressed', String(hidden));
    input.focus();
  });
  const submit = h('button', {type: 'submit', class: 'btn btn-primary btn-block'}, 'Sign in');
  const form = h('form', {class: 'form', novalidate: true},
    formError(),
    field({
      label: 'API token', name: 'token',
      control: h('div', {class: 'input-group'}, input, show),
    }),
    submit);

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const value = input.value.trim();
    if (!value) {
      showErrors(form, {message: 'Enter your API token.', params: {token: 'Paste the token hookd gave you.'}});
      return;
    }
    submit.disabled = true;
    submit.textContent = 'Signing in…';
    try {
      const me = await api.get('/v2/me', undefined, {token: value});
      session.signIn(value, me);
      navigate(session.takeNext(), {replace: true});
    } catch (err) {
      const msg = err.status === 401
        ? 'hookd does not recognise this token. Check that you copied all of it, and that it has not been revoked.'
        : err.message;
      showErrors(form, {message: msg, params: {token: msg}});
    } finally {
      submit.disabled = false;
      submit.textContent = 'Sign in';
    }
  });

  main.append(h('div', {class: 'signin'},
    h('div', {class: 'signin-card card'},
      h('div', {class: 'signin-brand'}, h('img', {src: 'ui/favicon.svg', alt: '', width: 40, height: 40}), h('span', {}, 'hookd')),
      h('h1', {class: 'signin-title', tabindex: '-1'}, 'Sign in to hookd'),
      h('p', {class: 'muted'}, 'hookd signs and delivers webhooks. Sign in with an API token to manage endpoints, watch deliveries and send events.'),
      form,
      h('div', {class: 'signin-help'},
        h('h2', {}, 'Where do I get a token?'),
        h('ul', {},
          h('li', {}, h('code', {}, 'make run'), ' prints an admin token when hookd starts.'),
          h('li', {}, 'It is also kept in the file ', h('code', {}, '.hookd/admin-token'), ' in the hookd checkout.'),
          h('li', {}, 'Or create one: ', h('code', {}, 'hookd token create --name me --scopes webhooks.write,events.write,tokens.admin'), '.')),
        h('p', {class: 'muted small'}, 'The token stays in this browser tab only and is forgotten when you close it.')))));
  input.focus();
}
