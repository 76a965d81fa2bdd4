// Test-fire (POST /v2/admin/webhooks/{id}/test): sends a signed
// webhook.test event now and shows success, status code and response time.

import * as api from '../api.js';
import {h, replace} from '../dom.js';
import {duration} from '../format.js';

export function testFire(hook, {onDone} = {}) {
  const btn = h('button', {type: 'button', class: 'btn btn-primary'}, 'Send test event');
  const panel = h('div', {class: 'test-result', 'aria-live': 'polite', hidden: true});

  async function run() {
    btn.disabled = true;
    btn.textContent = 'Sending…';
    panel.hidden = false;
    replace(panel, h('div', {class: 'callout callout-info'}, h('span', {class: 'spinner', 'aria-hidden': 'true'}), ` Sending a test event to ${hook.url}…`));
    try {
      const r = await api.post(`/v2/admin/webhooks/${hook.id}/test`);
      replace(panel, h('div', {class: ['callout', r.success ? 'callout-success' : 'callout-danger'], dataset: {result: r.success ? 'success' : 'failure'}},
        h('div', {class: 'test-head'},
          h('span', {class: ['test-icon', r.success ? 'ok' : 'bad'], 'aria-hidden': 'true'}, r.success ? '✓' : '✕'),
          h('strong', {class: 'test-message'}, r.message)),
        h('dl', {class: 'test-facts'},
          h('div', {}, h('dt', {}, 'Status code'), h('dd', {class: 'test-status mono'}, r.status_code === null ? 'no response' : String(r.status_code))),
          h('div', {}, h('dt', {}, 'Response time'), h('dd', {class: 'test-time mono'}, duration(r.response_time))),
          h('div', {}, h('dt', {}, 'Delivery'), h('dd', {}, h('a', {href: `#/deliveries/${r.delivery_id}`}, `#${r.delivery_id} — see request and response`)))),
        r.success ? null : h('p', {class: 'small'}, 'Open the delivery to see the request hookd sent and what your endpoint answered.')));
      if (onDone) onDone(r);
    } catch (err) {
      replace(panel, h('div', {class: 'callout callout-danger', role: 'alert'}, h('strong', {}, 'The test could not be sent. '), err.message));
    } finally {
      btn.disabled = false;
      btn.textContent = 'Send test event';
    }
  }
  btn.addEventListener('click', run);
  return {button: btn, panel, run};
}
