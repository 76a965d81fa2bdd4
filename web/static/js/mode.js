// How this page was opened, as the server says in index.html's hookd-mode
// meta tag: 'token' (an operator signs in with an API token), 'host'
// (behind the host product's login: its cookie is the session) or 'portal'
// (a tenant's session link, its token in the URL's fragment).

export const mode = document.querySelector('meta[name="hookd-mode"]')?.content || 'token';

// embedded is true when a host product opened the dashboard for its user:
// nobody signs in to hookd itself, and the host may theme it.
export const embedded = mode === 'host' || mode === 'portal';
