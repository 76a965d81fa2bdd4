// Unknown routes.

import {h} from '../dom.js';
import {pageHeader, linkButton} from '../layout.js';

export default function notFoundPage(ctx, main) {
  main.append(h('div', {class: 'container'},
    pageHeader({title: 'Page not found'}),
    h('div', {class: 'card'}, h('div', {class: 'state'},
      h('p', {}, 'There is nothing at ', h('code', {}, `#${ctx.path}`), '.'),
      linkButton('Go to webhooks', '#/webhooks', {kind: 'primary'})))));
}
