// An admin's import of an export file (POST /api/v1/import, docs/web.md): the file is sent as
// it is, and the summary shows what came in and each skipped line or link with its reason.
import {problem, requireLogin, send} from './api.js';
import {el, fill, plural, say} from './dom.js';
import {nav} from './nav.js';

const form = document.getElementById('import');
const summary = document.getElementById('summary');

function show(data) {
  const head = (data.dry_run ? 'Dry run, nothing written: ' : '') +
      plural(data.imported, 'link') + ' imported (' + plural(data.clicks, 'click') + '), ' +
      data.already_there + ' already there, ' + data.skipped_count + ' skipped' +
      (data.skipped_count > data.skipped.length ?
        ' (the first ' + data.skipped.length + ' are listed)' : '');
  fill(document.getElementById('totals'), head);
  fill(document.getElementById('skipped'), data.skipped.map((skip) =>
    el('li', {class: 'link'}, el('div', {class: 'slug'}, skip.what),
       el('div', {class: 'meta'}, skip.reason))));
  summary.hidden = false;
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const file = document.getElementById('file').files[0];
  if (!file) return say('Choose an export file.');
  const params = new URLSearchParams();
  if (document.getElementById('dry-run').checked) params.set('dry_run', 'true');
  const owner = document.getElementById('owner').value.trim();
  if (owner) params.set('owner', owner);
  const button = document.getElementById('submit');
  button.disabled = true;
  summary.hidden = true;
  say('Importing ' + file.name + '…', false);
  const query = params.toString();
  const answer = await send('POST', '/api/v1/import' + (query ? '?' + query : ''),
      'application/x-ndjson', file);
  button.disabled = false;
  if (requireLogin(answer)) return;
  if (answer.status !== 200) return say(problem(answer));
  say('Done.', false);
  show(answer.json.data);
});

nav();
