// Status badges for webhooks and deliveries.

import {h} from '../dom.js';

const labels = {
  active: ['Active', 'success'],
  inactive: ['Inactive', 'neutral'],
  disabled: ['Disabled', 'warning'],
  succeeded: ['Succeeded', 'success'],
  failed: ['Failed', 'danger'],
  pending: ['Pending', 'warning'],
  retrying: ['Retrying', 'warning'],
  cancelled: ['Cancelled', 'neutral'],
};

export function badge(status, text) {
  const [label, tone] = labels[status] || [status, 'neutral'];
  return h('span', {class: ['badge', `badge-${tone}`], dataset: {status}}, text || label);
}

// webhookBadge tells an automatic disable from a manual one.
export function webhookBadge(w) {
  if (w.status === 'inactive' && w.disabled_reason) return badge('disabled');
  return badge(w.status);
}

// deliveryBadge shows "Retrying" for a pending delivery that already failed
// at least once.
export function deliveryBadge(d) {
  if (d.status === 'pending' && d.attempt_count > 0) return badge('retrying');
  return badge(d.status);
}
