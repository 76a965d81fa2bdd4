// What this hookd server allows (GET /v2/settings): the signature header's
// name, whether http:// URLs are accepted, the webhook limit. Fetched once
// per sign-in; forms check against it before sending.

import * as api from './api.js';

let cached = null;

const fallback = {signature_header: 'Hookd-Signature', allow_http: false, max_webhooks_per_tenant: null, max_retry_count: 8, max_retry_schedule: 20,
  long_outage_schedule: [60, 300, 1800, 3600, 10800, 21600, 43200, 43200, 43200, 43200, 43200]};

export function loadSettings() {
  if (!cached) {
    cached = api.get('/v2/settings').catch((err) => {
      cached = null;
      if (err.name === 'AbortError') throw err;
      return fallback; // the server checks everything again anyway
    });
  }
  return cached;
}

export function forgetSettings() {
  cached = null;
}
