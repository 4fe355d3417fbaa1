// My links: newest first, search, pages by cursor; copy, QR, edit, delete with confirmation.
import {api, problem, requireLogin} from './api.js';
import {copyButton, el, expired, plural, say, when} from './dom.js';
import {limitText} from './limits.js';
import {nav} from './nav.js';

const PAGE = 20;
let cursor = null;
let query = '';
const list = document.getElementById('links');
const more = document.getElementById('more');

function item(record) {
  const stats = '/ui/link.html?slug=' + encodeURIComponent(record.slug);
  const gone = expired(record);
  const remove = el('button', {type: 'button', class: 'danger'}, 'Delete');
  const row = el('li', {class: gone ? 'link expired' : 'link'},
      el('div', {class: 'slug'},
         el('a', {href: stats}, record.slug),
         gone ? el('span', {class: 'badge'}, 'expired') : null),
      el('div', {class: 'target'}, record.original_url),
      el('div', {class: 'meta'},
         plural(record.clicks, 'click'), ' · ',
         record.expiration_date ? 'expires ' + when(record.expiration_date) : 'permanent', ' · ',
         limitText(record), ' · ', record.redirect_code + ' redirect'),
      el('div', {class: 'actions'},
         copyButton(record.short_url),
         el('a', {class: 'button secondary', href: '/qr/' + encodeURIComponent(record.slug) + '.png?size=10',
                  download: record.slug + '.png'}, 'QR'),
         el('a', {class: 'button secondary', href: stats}, 'Edit'),
         remove));
  remove.addEventListener('click', async () => {
    if (!window.confirm('Delete ' + record.short_url + '? It stops working at once.')) return;
    const answer = await api('DELETE', '/api/v1/url-shorteners/' + encodeURIComponent(record.slug));
    if (answer.status !== 204) return say(problem(answer));
    row.remove();
    say('Deleted ' + record.slug + '.', false);
  });
  return row;
}

async function load(reset) {
  if (reset) {
    cursor = null;
    list.replaceChildren();
  }
  const params = new URLSearchParams({limit: String(PAGE)});
  if (cursor) params.set('cursor', cursor);
  if (query) params.set('q', query);
  const answer = await api('GET', '/api/v1/url-shorteners?' + params);
  if (requireLogin(answer)) return;
  if (answer.status !== 200) return say(problem(answer));
  for (const record of answer.json.data.url_shorteners) list.append(item(record));
  cursor = answer.json.data.next_cursor;
  more.hidden = !cursor;
  // A search looks through older links a window at a time: say so when a page came back short.
  more.textContent = query ? 'Search older links' : 'Show more';
  if (!list.children.length && !cursor) say(query ? 'No link matches.' : 'No links yet.', false);
  else say('', false);
}

nav();
more.addEventListener('click', () => load(false));
document.getElementById('search').addEventListener('submit', (event) => {
  event.preventDefault();
  query = document.getElementById('q').value.trim();
  load(true);
});
load(true);
