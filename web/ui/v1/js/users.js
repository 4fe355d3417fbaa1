// An admin's list of every user (GET /api/v1/users, an addition beyond API.md): newest first,
// pages by cursor. Everyone else is told the page is for administrators.
import {api, problem, requireLogin} from './api.js';
import {el, plural, say, when} from './dom.js';
import {nav} from './nav.js';

const PAGE = 50;
let cursor = null;
const list = document.getElementById('users');
const more = document.getElementById('more');

function item(user) {
  return el('li', {class: user.disabled_at ? 'link expired' : 'link'},
      el('div', {class: 'slug'}, user.username,
         user.is_admin ? el('span', {class: 'badge info'}, 'admin') : null,
         user.disabled_at ? el('span', {class: 'badge'}, 'disabled') : null),
      el('div', {class: 'target'}, user.email),
      el('div', {class: 'meta'}, plural(user.links, 'link') + ' · joined ' + when(user.created_at) +
         (user.disabled_at ? ' · disabled ' + when(user.disabled_at) : '')));
}

async function load() {
  const params = new URLSearchParams({limit: String(PAGE)});
  if (cursor) params.set('cursor', cursor);
  const answer = await api('GET', '/api/v1/users?' + params);
  if (requireLogin(answer)) return;
  if (answer.status !== 200) return say(problem(answer));
  for (const user of answer.json.data.users) list.append(item(user));
  cursor = answer.json.data.next_cursor;
  more.hidden = !cursor;
}

nav();
more.addEventListener('click', load);
load();
