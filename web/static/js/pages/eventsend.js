// Send an event by hand (POST /v2/events {type, data}): a type picker fed
// by the catalog, a JSON editor that validates as you type, and a realistic
// example of each type's data to start from.

import * as api from '../api.js';
import {h, replace, nextId} from '../dom.js';
import {navigate} from '../router.js';
import {loadCatalog} from '../catalog.js';
import {pageHeader, card, linkButton} from '../layout.js';
import {plural} from '../format.js';
import {field, formError, showErrors, clearErrors} from '../components/fields.js';
import {jsonEditor} from '../components/jsoneditor.js';
import {groupCatalog} from '../components/eventpicker.js';
import {loading, failure} from '../components/states.js';
import {examplePayload} from '../examples.js';

export default async function eventSendPage(ctx, main) {
  const container = h('div', {class: 'container container-narrow'},
    pageHeader({
      title: 'Send an event',
      subtitle: 'hookd delivers it to every active webhook subscribed to its type, exactly as if your product had sent it.',
      back: {href: '#/events', label: 'Events'},
    }));
  const body = h('div', {}, loading());
  container.append(body);
  main.append(container);

  let catalog;
  try {
    catalog = await loadCatalog();
  } catch (err) {
    if (err.name === 'AbortError') return;
    replace(body, failure(err, () => navigate(ctx.path)));
    return;
  }
  const groups = groupCatalog(catalog);
  const known = new Map([...groups.values()].flat().map((et) => [et.name, et]));

  const listId = nextId('types');
  const type = h('input', {class: 'input mono', name: 'type', list: listId, autocomplete: 'off', spellcheck: 'false', placeholder: 'Start typing, e.g. comment.created'});
  const datalist = h('datalist', {id: listId}, [...known.values()].map((et) => h('option', {value: et.name}, et.description)));
  const typeDesc = h('p', {class: 'hint type-desc', 'aria-live': 'polite'});
  const preset = ctx.query.get('type');
  if (preset && known.has(preset)) type.value = preset;
  const editor = jsonEditor({value: '{\n  "id": 1\n}'});
  // The editor follows the type with an example while the user has not
  // written data of their own.
  let example = editor.textarea.value;
  const useExample = h('button', {type: 'button', class: 'btn btn-ghost btn-sm', disabled: true}, 'Use example data');
  const fill = () => {
    const et = known.get(type.value.trim());
    if (!et) return;
    example = JSON.stringify(examplePayload(et.name, et.group), null, 2);
    editor.textarea.value = example;
    editor.validate();
  };
  useExample.addEventListener('click', () => { fill(); editor.textarea.focus(); });
  const describe = () => {
    const et = known.get(type.value.trim());
    typeDesc.textContent = et ? `${et.description} (group ${et.group})` : '';
    useExample.disabled = !et;
    if (et && editor.textarea.value === example) fill();
  };
  type.addEventListener('input', describe);
  describe();
  const submit = h('button', {type: 'submit', class: 'btn btn-primary'}, 'Send event');
  const result = h('div', {'aria-live': 'polite'});
  const form = h('form', {class: 'form', novalidate: true},
    formError(),
    field({label: 'Event type', name: 'type', control: h('div', {class: 'type-picker'}, type, datalist),
      hint: `One of the ${known.size} types in the catalog.`}),
    typeDesc,
    field({label: 'Data', name: 'data', control: editor.element, hint: 'The event\'s payload: a JSON object. hookd wraps it as {"id", "type", "created", "version", "data"}. Picking a type fills in an example until you edit it.'}),
    h('div', {class: 'btn-row example-row'}, useExample),
    h('div', {class: 'form-actions'}, submit, linkButton('Cancel', '#/events')));

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    replace(result);
    const params = {};
    const t = type.value.trim();
    if (!t) params.type = 'Choose an event type.';
    else if (!known.has(t)) params.type = `"${t}" is not in the event catalog. Pick one from the list.`;
    const parsed = editor.validate();
    if (!parsed.ok) params.data = parsed.message;
    if (Object.keys(params).length) {
      showErrors(form, {message: 'Please fix the highlighted fields.', params});
      return;
    }
    submit.disabled = true;
    try {
      const res = await api.post('/v2/events', {type: t, data: parsed.value});
      replace(result, h('div', {class: ['callout', res.deliveries > 0 ? 'callout-success' : 'callout-warning'], role: 'status'},
        h('h2', {class: 'callout-title'}, 'Event accepted'),
        h('p', {}, res.deliveries > 0
          ? `hookd is delivering it to ${plural(res.deliveries, 'webhook')}.`
          : `No active webhook subscribes to ${res.type}, so nothing will be delivered.`),
        h('p', {class: 'btn-row'},
          linkButton('View event and deliveries', `#/events/${encodeURIComponent(res.id)}`, {kind: 'primary', size: 'sm'}),
          h('span', {class: 'mono small muted'}, res.id))));
      result.querySelector('a').focus();
    } catch (err) {
      showErrors(form, err);
    } finally {
      submit.disabled = false;
    }
  });

  replace(body, card({body: [form, result]}));
  type.focus();
}
