// API keys: create (the key is shown this once), list, revoke.
import {api, problem, requireLogin} from './api.js';
import {copyButton, el, fill, say, when} from './dom.js';
import {nav} from './nav.js';

async function load() {
  const answer = await api('GET', '/api/v1/api-keys');
  if (requireLogin(answer)) return;
  if (answer.status !== 200) return say(problem(answer));
  const list = document.getElementById('keys');
  const keys = answer.json.data.api_keys;
  fill(list, keys.length ? keys.map((key) => {
    const revoke = el('button', {type: 'button', class: 'danger'}, 'Revoke');
    revoke.addEventListener('click', async () => {
      if (!window.confirm('Revoke the key "' + (key.name || key.id) + '"? It stops working at once.')) return;
      const gone = await api('DELETE', '/api/v1/api-keys/' + encodeURIComponent(key.id));
      if (gone.status !== 204) return say(problem(gone));
      say('Revoked.', false);
      load();
    });
    return el('li', {class: 'link key'},
        el('div', {class: 'slug'}, key.name || '(no name)'),
        el('div', {class: 'meta'}, 'created ' + when(key.created_at) + ' · last used ' + when(key.last_used_at)),
        el('div', {class: 'actions'}, revoke));
  }) : el('li', {}, 'No API keys.'));
}

nav();
document.getElementById('create').addEventListener('submit', async (event) => {
  event.preventDefault();
  const name = document.getElementById('name').value;
  const answer = await api('POST', '/api/v1/api-keys', {name});
  if (answer.status !== 201) return say(problem(answer));
  const key = answer.json.data.key;
  const box = document.getElementById('created');
  fill(box, el('h2', {}, 'Your new key'),
      el('p', {}, 'Copy it now: it is shown this once.'),
      el('p', {}, el('code', {id: 'new-key'}, key), ' ', copyButton(key)));
  box.hidden = false;
  document.getElementById('name').value = '';
  load();
});
load();
