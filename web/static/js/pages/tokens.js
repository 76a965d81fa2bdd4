// API tokens (needs tokens.admin): create (the value is shown once), list
// and revoke.

import * as api from '../api.js';
import * as session from '../session.js';
import {h, replace, nextId} from '../dom.js';
import {navigate} from '../router.js';
import {pageHeader, card, busy} from '../layout.js';
import {timeEl} from '../format.js';
import {dataTable} from '../components/table.js';
import {confirm, openDialog} from '../components/dialog.js';
import {secretBox} from '../components/copy.js';
import {field, formError, showErrors, clearErrors} from '../components/fields.js';
import {loading, empty, failure} from '../components/states.js';
import {success, error as toastError} from '../toast.js';

const SCOPES = [
  ['webhooks.read', 'Read webhooks, deliveries and events'],
  ['webhooks.write', 'Create, change and delete webhooks; test-fire, redeliver (includes read)'],
  ['events.write', 'Send events'],
  ['tokens.admin', 'Create and revoke tokens'],
];

export default async function tokensPage(ctx, main) {
  const admin = session.can('tokens.admin');
  const createBtn = admin ? h('button', {type: 'button', class: 'btn btn-primary'}, 'New token') : null;
  const container = h('div', {class: 'container'},
    pageHeader({
      title: 'API tokens',
      subtitle: 'Tokens let your product send events, and people and scripts use this API.',
      actions: createBtn,
    }));
  main.append(container);
  if (!admin) {
    container.append(h('div', {class: 'card'}, empty({
      level: 2,
      icon: 'key',
      title: 'Your token cannot manage tokens',
      text: 'Managing tokens needs the tokens.admin scope. Sign in with a token that has it, such as the admin token make run prints.',
    })));
    return;
  }

  const me = session.profile();
  const listBody = h('div', {}, loading('Loading tokens…'));
  createBtn.addEventListener('click', () => createDialog(me, loadList));

  async function revoke(tok, btn) {
    const self = tok.id === me.id;
    const ok = await confirm({
      title: `Revoke “${tok.name}”?`,
      message: [
        'Anything using this token is refused from now on. This cannot be undone.',
        self ? 'This is the token you are signed in with: you will be signed out.' : null,
      ].filter(Boolean),
      confirmLabel: 'Revoke token',
      danger: true,
    });
    if (!ok) return;
    await busy(btn, async () => {
      try {
        await api.del(`/v2/admin/tokens/${encodeURIComponent(tok.id)}`);
        success(`Token “${tok.name}” revoked.`);
        if (self) {
          session.signOut();
          navigate('/signin');
          return;
        }
        await loadList();
        container.querySelector('.page-title')?.focus();
      } catch (err) {
        toastError(err.message);
      }
    });
  }

  async function loadList() {
    let data;
    try {
      data = await api.get('/v2/admin/tokens', undefined, {signal: ctx.signal});
    } catch (err) {
      if (err.name === 'AbortError') return;
      replace(listBody, failure(err, loadList));
      return;
    }
    if (data.tokens.length === 0) {
      replace(listBody, empty({
        icon: 'key',
        title: 'No tokens yet',
        text: me.id === 'admin'
          ? 'You are signed in with the bootstrap admin token (HOOKD_ADMIN_TOKEN), which is not listed here. Create a token for each product or person that uses hookd, with only the scopes it needs.'
          : 'Create a token for each product or person that uses hookd, with only the scopes it needs.',
        action: h('button', {type: 'button', class: 'btn btn-primary', on: {click: () => createDialog(me, loadList)}}, 'Create a token'),
      }));
      return;
    }
    replace(listBody, dataTable({
      caption: 'API tokens',
      rows: data.tokens,
      className: 'token-table',
      columns: [
        {label: 'Name', class: 'col-main', cell: (t) => h('div', {class: 'cell-stack'},
          h('span', {class: 'row-title'}, t.name, t.id === me.id ? h('span', {class: 'badge badge-info'}, 'you') : null),
          h('span', {class: 'muted small mono'}, t.id))},
        {label: 'Scopes', cell: (t) => h('div', {class: 'chips chips-inline'}, t.scopes.map((s) => h('span', {class: 'chip chip-sm'}, h('code', {}, s))))},
        {label: 'Tenant', cell: (t) => t.tenant ? h('span', {class: 'mono small'}, t.tenant) : h('span', {class: 'muted'}, 'All tenants')},
        {label: 'Created', cell: (t) => timeEl(t.created_at, '—', {compact: true})},
        {label: 'Last used', cell: (t) => timeEl(t.last_used_at, 'Never', {compact: true})},
        {label: '', class: 'col-actions', cell: (t) => {
          const btn = h('button', {type: 'button', class: 'btn btn-danger-ghost btn-sm', 'aria-label': `Revoke ${t.name}`}, 'Revoke');
          btn.addEventListener('click', () => revoke(t, btn));
          return btn;
        }},
      ],
    }));
  }

  container.append(card({
    title: 'Active tokens',
    className: 'card-flush-body',
    description: me.id === 'admin' ? 'The bootstrap admin token from HOOKD_ADMIN_TOKEN is not listed.' : null,
    body: listBody,
  }));
  await loadList();
}

// createDialog asks for a name, scopes and tenant, then shows the new
// token's value once.
function createDialog(me, onCreated) {
  const name = h('input', {class: 'input', name: 'name', maxlength: 255, autocomplete: 'off', placeholder: 'e.g. Production emitter', autofocus: true});
  const scopeBoxes = SCOPES.filter(([s]) => session.can(s)).map(([s, desc]) => ({
    s,
    el: h('label', {class: 'check check-block'},
      h('input', {type: 'checkbox', value: s, checked: s === 'events.write'}),
      h('span', {}, h('code', {}, s), h('span', {class: 'muted small'}, ` — ${desc}`))),
  }));
  const tenant = h('input', {class: 'input mono', name: 'tenant', autocomplete: 'off', placeholder: me.tenant || 'all tenants', value: me.tenant || '', readonly: Boolean(me.tenant)});
  const formId = nextId('token-form');
  const form = h('form', {class: 'form', novalidate: true, id: formId},
    formError(),
    field({label: 'Name', name: 'name', control: name, hint: 'Who or what uses it, so you know what to revoke later.'}),
    field({label: 'Scopes', name: 'scopes', control: h('div', {class: 'check-list'}, scopeBoxes.map((b) => b.el))}),
    field({label: 'Tenant', name: 'tenant', optional: !me.tenant, control: tenant,
      hint: me.tenant ? 'Your token is bound to this tenant, so new tokens are too.' : 'Bind the token to one tenant: it then sees and changes only that tenant\'s records. Leave empty for all tenants.'}));
  const cancel = h('button', {type: 'button', class: 'btn btn-secondary'}, 'Cancel');
  // A submit button of the form, though it sits in the dialog's footer, so
  // Enter in a field submits.
  const submit = h('button', {type: 'submit', class: 'btn btn-primary', form: formId}, 'Create token');
  const {dialog, close} = openDialog({title: 'Create a token', body: form, actions: [cancel, submit]});
  cancel.addEventListener('click', () => close());

  const create = async () => {
    clearErrors(form);
    const body = {
      name: name.value.trim(),
      scopes: scopeBoxes.filter((b) => b.el.querySelector('input').checked).map((b) => b.s),
    };
    if (tenant.value.trim() && !me.tenant) body.tenant = tenant.value.trim();
    // What the API would refuse is said before sending.
    const params = {};
    if (!body.name) params.name = 'Name must not be empty.';
    if (body.scopes.length === 0) params.scopes = 'Scopes must include at least one scope.';
    if (Object.keys(params).length) {
      showErrors(form, {params});
      return;
    }
    await busy(submit, async () => {
      try {
        const tok = await api.post('/v2/admin/tokens', body);
        success('Token created.');
        const done = h('button', {type: 'button', class: 'btn btn-primary'}, 'Done');
        done.addEventListener('click', () => close());
        replace(dialog.querySelector('.dialog-body'), h('div', {class: 'callout callout-success token-created'},
          h('h3', {class: 'callout-title'}, `Token “${tok.name}” created. Copy it now`),
          h('p', {}, 'This is the only time hookd shows it. Keep it in your secret manager: hookd stores only a hash.'),
          secretBox(tok.token, 'Copy token')),
        h('p', {class: 'small muted'}, 'Send it as ', h('code', {}, 'Authorization: Bearer <token>'), '.'));
        replace(dialog.querySelector('.dialog-actions'), done);
        dialog.querySelector('.dialog-head h2').textContent = 'Token created';
        done.focus();
        onCreated();
      } catch (err) {
        showErrors(form, err);
      }
    });
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    create();
  });
}
