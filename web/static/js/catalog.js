// The event catalog (GET /v2/event-types), fetched once per sign-in.

import * as api from './api.js';

let cached = null;

export function loadCatalog() {
  if (!cached) {
    cached = api.get('/v2/event-types').then((r) => r.event_types).catch((err) => {
      cached = null;
      throw err;
    });
  }
  return cached;
}

export function forgetCatalog() {
  cached = null;
}
