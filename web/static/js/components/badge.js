// Status badges for webhooks and deliveries. A webhook is Active or
// Disabled everywhere in the dashboard (the API says active / inactive);
// one disabled by hookd itself is marked as such.

import {h} from '../dom.js';

const labels = {
  active: ['Active', 'success'],
  inactive: ['Disabled', 'neutral'],
  disabled: ['Disabled', 'warning'],
  succeeded: ['Succeeded', 'success'],
  failed: ['Failed', 'danger'],
  pending: ['Pending', 'warning'],
  retrying: ['Retrying', 'warning'],
  cancelled: ['Cancelled', 'neutral'],
};

export function badge(status, text, title) {
  const [label, tone] = labels[status] || [status, 'neutral'];
  return h('span', {class: ['badge', `badge-${tone}`], dataset: {status}, title}, text || label);
}

// webhookBadge tells an automatic disable from a manual one.
export function webhookBadge(w) {
  if (w.status === 'inactive' && w.disabled_reason) return badge('disabled', 'Disabled by hookd', w.disabled_reason);
  return badge(w.status);
}

// statusWord is the webhook status as the dashboard writes it.
export function statusWord(status) {
  return status === 'active' ? 'Active' : 'Disabled';
}

// deliveryBadge shows "Retrying" for a pending delivery that already failed
// at least once.
export function deliveryBadge(d) {
  if (d.status === 'pending' && d.attempt_count > 0) return badge('retrying');
  return badge(d.status);
}
