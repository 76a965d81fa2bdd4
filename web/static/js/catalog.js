// The event catalog (GET /v2/event-types), fetched once per sign-in.

import * as api from './api.js';
import * as session from './session.js';

let cached = null;

export function loadCatalog() {
  if (!cached) {
    // Custom types are per tenant. The dashboard creates webhooks and sends
    // events in the token's tenant, or `default` for an unbound token, so
    // that is the catalog it offers.
    const me = session.profile();
    const q = me && !me.tenant ? '?tenant=default' : '';
    cached = api.get(`/v2/event-types${q}`).then((r) => r.event_types).catch((err) => {
      cached = null;
      throw err;
    });
  }
  return cached;
}

export function forgetCatalog() {
  cached = null;
}
