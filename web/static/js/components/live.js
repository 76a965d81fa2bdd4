// The "Live" indicator of a page or list that refreshes itself: green while
// its polls succeed, a warning with the time of the last good update while
// they fail (the rows already on screen stay), and the poll that recovers
// turns it green again.

import {h} from '../dom.js';
import {relative} from '../format.js';

export function liveIndicator() {
  const text = h('span', {class: 'live-text'}, 'Live');
  const el = h('span', {class: 'live-dot', role: 'status', title: 'Updates automatically', dataset: {state: 'ok'}}, text);
  let lastOK = Date.now();
  return {
    element: el,
    // ok records a successful refresh.
    ok() {
      lastOK = Date.now();
      if (el.dataset.state === 'ok') return;
      el.dataset.state = 'ok';
      el.title = 'Updates automatically';
      text.textContent = 'Live';
    },
    // failed records a failed refresh; err says why.
    failed(err) {
      el.dataset.state = 'error';
      const why = err && err.status === 0 ? 'cannot reach hookd' : (err?.message || 'the last update failed');
      text.textContent = `Not updating · last update ${relative(new Date(lastOK).toISOString())}`;
      el.title = `Retrying: ${why}`;
    },
  };
}

// pollWhileVisible calls refresh every ms while the tab is visible, until
// signal aborts.
export function pollWhileVisible(ms, signal, refresh) {
  const timer = setInterval(() => {
    if (!document.hidden) refresh();
  }, ms);
  signal.addEventListener('abort', () => clearInterval(timer));
}
