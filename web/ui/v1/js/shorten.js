// The shorten page: the answer shows the short URL, a copy button and its QR code.
import {api, problem, requireLogin} from './api.js';
import {copyButton, el, fill, say} from './dom.js';
import {limitFields, limitValues} from './limits.js';
import {nav} from './nav.js';

nav();
limitFields(document.getElementById('limits'));
document.getElementById('shorten').addEventListener('submit', async (event) => {
  event.preventDefault();
  const body = Object.assign({original_url: document.getElementById('url').value}, limitValues());
  const slug = document.getElementById('slug').value.trim();
  if (slug) body.slug = slug;
  if (document.getElementById('permanent').checked) {
    body.expires_in = null;
  } else {
    body.expires_in = Math.round(Number(document.getElementById('days').value) * 86400);
  }
  const answer = await api('POST', '/api/v1/url-shortener', body);
  if (requireLogin(answer)) return;
  if (answer.status !== 201) return say(problem(answer));
  say('Created.', false);
  const record = answer.json.data;
  const qr = '/qr/' + encodeURIComponent(record.slug);
  const result = document.getElementById('result');
  fill(result,
      el('h2', {}, 'Your short link'),
      el('p', {class: 'short'}, el('a', {href: record.short_url, id: 'short-url'}, record.short_url), ' ',
         copyButton(record.short_url)),
      el('img', {src: qr + '.svg', alt: 'QR code of ' + record.short_url, width: 200, height: 200, class: 'qr'}),
      el('p', {}, el('a', {href: qr + '.png?size=10', download: record.slug + '.png'}, 'Download the QR code (PNG)'),
         ' · ', el('a', {href: '/ui/link.html?slug=' + encodeURIComponent(record.slug)}, 'Statistics and editing')));
  result.hidden = false;
});
