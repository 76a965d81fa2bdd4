// What an embedded dashboard shows instead of a sign-in form when it has
// no session: nobody signs in to hookd there, the host product opens it.

import {h} from '../dom.js';
import {mode} from '../mode.js';
import {empty} from '../components/states.js';

// endedPage explains why there is nothing to show: err is the API's 401
// (its message says expired, revoked or signed out), or null when a portal
// page was opened without a link's token.
export default function endedPage(err) {
  return (ctx, main) => {
    let title;
    let text;
    if (mode === 'host') {
      title = 'Sign in first';
      text = err?.message || 'Sign in to the application, then open this page again.';
    } else if (err) {
      title = 'This session has ended';
      text = err.message;
    } else {
      title = 'Open this page from your application';
      text = 'This page needs the link your application gives it: open the webhooks page again from your application.';
    }
    document.title = `${title} · hookd`;
    main.append(h('div', {class: 'signin ended'},
      h('div', {class: 'signin-card card', role: 'alert'},
        empty({level: 1, icon: 'key', title, text}))));
  };
}
