// How a receiver verifies a webhook's requests, in the webhook's own
// format: the headers it gets and the steps, and beside them working code
// for Node.js, Python, Go and PHP in tabs. signatureHeader is this server's
// name for hookd's signature header (GET /v2/settings).

import {h, nextId} from '../dom.js';
import {formatInfo, snippet, LANGUAGES} from '../formats.js';
import {copyButton} from './copy.js';

// withCode renders `backticked` parts of a step as code.
function withCode(text) {
  return text.split('`').map((part, i) => (i % 2 ? h('code', {}, part) : part));
}

// snippetTabs shows one snippet at a time with arrow-key tabs and a copy
// button for the one on screen.
function snippetTabs(format, header) {
  const tabs = [];
  const panels = [];
  let current = 0;
  const select = (i, focus) => {
    current = i;
    tabs.forEach((t, j) => {
      t.setAttribute('aria-selected', String(i === j));
      t.tabIndex = i === j ? 0 : -1;
      panels[j].hidden = i !== j;
    });
    if (focus) tabs[i].focus();
  };
  for (const [key, label] of LANGUAGES) {
    const tabId = nextId('tab');
    const panelId = nextId('panel');
    const tab = h('button', {type: 'button', role: 'tab', id: tabId, 'aria-controls': panelId, class: 'snippet-tab', dataset: {lang: key}}, label);
    const panel = h('div', {role: 'tabpanel', id: panelId, 'aria-labelledby': tabId, class: 'snippet-panel', dataset: {lang: key}},
      h('pre', {class: 'code code-scroll snippet-code', tabindex: '0'}, snippet(format, key, header)));
    const i = tabs.length;
    tab.addEventListener('click', () => select(i, false));
    tab.addEventListener('keydown', (e) => {
      if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
        e.preventDefault();
        select((i + (e.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length, true);
      }
    });
    tabs.push(tab);
    panels.push(panel);
  }
  const copy = copyButton(() => panels[current].textContent, 'Copy code');
  select(0, false);
  return h('div', {class: 'snippets'},
    h('div', {class: 'snippet-bar'}, h('div', {role: 'tablist', 'aria-label': 'Verification code', class: 'snippet-tabs'}, tabs), copy),
    panels);
}

export function verifyHint({format = 'hookd', open = false, signatureHeader = 'Hookd-Signature'} = {}) {
  const f = formatInfo(format);
  // hookd's own header carries the operator's name for it.
  const headers = f.headers.replace(/^Hookd-Signature:/m, `${signatureHeader}:`);
  return h('details', {class: 'verify', open, dataset: {format: f.id}},
    h('summary', {}, `How to verify the signature (${f.label} format)`),
    h('div', {class: 'verify-body'},
      h('div', {class: 'verify-steps'},
        h('p', {}, 'Every request carries headers like'),
        h('pre', {class: 'code'}, headers),
        h('ol', {}, f.steps.map((step) => h('li', {}, withCode(step)))),
        h('p', {class: 'muted small'}, f.note)),
      snippetTabs(f.id, signatureHeader)));
}
