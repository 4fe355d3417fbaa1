// A link's visit limit and redirect code (API.md: max_visits, redirect_code): the same two
// fields on the shorten and the edit form, and the same words on the list and the link page.
import {el, fill, plural} from './dom.js';

const CODES = [
  [302, '302 Found (default)'],
  [307, '307 Temporary Redirect'],
  [301, '301 Moved Permanently'],
  [308, '308 Permanent Redirect'],
];

// Puts both fields into `box`, showing `record`'s values (a new link's defaults without one).
export function limitFields(box, record) {
  const limit = record && record.max_visits !== null ? String(record.max_visits) : '';
  const code = record ? record.redirect_code : 302;
  fill(box,
      el('label', {for: 'max-visits'}, 'Max visits (optional)'),
      el('input', {id: 'max-visits', type: 'number', min: 1, step: 1, class: 'short', value: limit,
                   'aria-describedby': 'max-visits-help'}),
      el('small', {id: 'max-visits-help'}, 'Empty for no limit. After that many visits the link answers "not found".'),
      el('label', {for: 'redirect-code'}, 'Redirect code'),
      el('select', {id: 'redirect-code', 'aria-describedby': 'redirect-code-help'},
         CODES.map(([value, label]) => el('option', {value, selected: value === code}, label))),
      el('small', {id: 'redirect-code-help'},
         '301 and 308 may be kept by browsers for an hour: an edit reaches them, and their visits are counted, only after that.'));
}

// The fields' values as the API takes them: an empty limit is null (no limit).
export function limitValues() {
  const typed = document.getElementById('max-visits').value.trim();
  return {max_visits: typed === '' ? null : Number(typed),
          redirect_code: Number(document.getElementById('redirect-code').value)};
}

// "at most 5 visits" or "no visit limit".
export function limitText(record) {
  return record.max_visits === null ? 'no visit limit' : 'at most ' + plural(record.max_visits, 'visit');
}
