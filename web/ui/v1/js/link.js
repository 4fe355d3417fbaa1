// A link's page: its record, its statistics over a date range (GET .../stats: totals, people
// and bots, unique visitors, a chart per day with Debian's Chart.js, each breakdown as a
// table), editing and deleting.
import {api, problem, requireLogin} from './api.js';
import {copyButton, el, expired, fill, say, when} from './dom.js';
import {limitFields, limitText, limitValues} from './limits.js';
import {nav} from './nav.js';

const slug = new URLSearchParams(location.search).get('slug') || '';
const path = '/api/v1/url-shorteners/' + encodeURIComponent(slug);
let chart = null;

function day(date) {
  return date.toISOString().slice(0, 10);
}

function showRecord(record) {
  document.title = record.slug + ' · shortener';
  document.querySelector('h1').textContent = 'Link ' + record.slug;
  const qr = '/qr/' + encodeURIComponent(record.slug);
  fill(document.getElementById('details'),
      el('p', {class: 'short'}, el('a', {href: record.short_url}, record.short_url), ' ', copyButton(record.short_url)),
      el('dl', {},
         el('dt', {}, 'Target'), el('dd', {class: 'target', id: 'target-text'}, record.original_url),
         el('dt', {}, 'Clicks'), el('dd', {id: 'clicks'}, String(record.clicks)),
         el('dt', {}, 'Created'), el('dd', {}, when(record.created_at)),
         el('dt', {}, 'Expires'),
         el('dd', {}, record.expiration_date ? when(record.expiration_date) : 'never (permanent)',
            expired(record) ? el('span', {class: 'badge'}, 'expired') : null),
         el('dt', {}, 'Visit limit'), el('dd', {id: 'limit-text'}, limitText(record)),
         el('dt', {}, 'Redirect'), el('dd', {id: 'code-text'}, String(record.redirect_code)),
         el('dt', {}, 'Metadata'), el('dd', {class: 'metadata'}, JSON.stringify(record.metadata))),
      el('img', {src: qr + '.svg', alt: 'QR code of ' + record.short_url, width: 160, height: 160, class: 'qr'}),
      el('p', {}, el('a', {href: qr + '.png?size=10', download: record.slug + '.png'}, 'Download the QR code (PNG)')));
  document.getElementById('target').value = record.original_url;
  limitFields(document.getElementById('limits'), record);
}

const SERIES = [
  // [field of a by_day item, legend, colour, chart type]
  ['clicks', 'Clicks', '#2f6fde', 'bar'],
  ['human_clicks', 'Human clicks', '#1a7f37', 'line'],
  ['unique_visitors', 'Unique visitors', '#b45309', 'line'],
];

function drawChart(days) {
  const canvas = document.getElementById('chart');
  if (chart) chart.destroy();
  chart = null;
  if (!days) return;
  if (typeof window.Chart !== 'function') {
    fill(canvas.parentElement, el('p', {}, 'Chart unavailable.'));
    return;
  }
  chart = new window.Chart(canvas, {
    type: 'bar',
    data: {
      labels: days.map((d) => d.date),
      // The lines (order 0) are drawn over the bars (order 1).
      datasets: SERIES.map(([field, label, color, type]) => ({
        type, label, data: days.map((d) => d[field]), backgroundColor: color, borderColor: color,
        order: type === 'bar' ? 1 : 0, pointRadius: days.length > 60 ? 0 : 2, tension: 0,
      })),
    },
    options: {responsive: true, maintainAspectRatio: false, animation: false,
              interaction: {mode: 'index', intersect: false},
              scales: {x: {ticks: {maxRotation: 0, autoSkipPadding: 12}},
                       y: {beginAtZero: true, ticks: {precision: 0}}}},
  });
}

// Every day of [from, to] with its counts (0 where the API lists none).
function filled(from, to, listed) {
  const byDate = new Map(listed.map((d) => [d.date, d]));
  const days = [];
  for (let d = new Date(from + 'T00:00:00Z'); day(d) <= to; d.setUTCDate(d.getUTCDate() + 1)) {
    const item = byDate.get(day(d)) || {};
    days.push({date: day(d), clicks: item.clicks || 0, human_clicks: item.human_clicks || 0,
               unique_visitors: item.unique_visitors || 0});
  }
  return days;
}

function share(part, whole) {
  return whole ? ' (' + Math.round((100 * part) / whole) + '%)' : '';
}

function showTotals(data) {
  const tile = (label, id, value) => el('div', {}, el('dt', {}, label), el('dd', {id}, value));
  fill(document.getElementById('totals'),
      tile('Clicks', 'total-clicks', String(data.clicks)),
      tile('By people', 'total-humans', data.human_clicks + share(data.human_clicks, data.clicks)),
      tile('By bots', 'total-bots', data.bot_clicks + share(data.bot_clicks, data.clicks)),
      tile('Unique visitors', 'total-unique', String(data.unique_visitors)));
}

// One breakdown as a table: its values (referrer hosts are what visitors sent: text only).
function table(id, title, rows, key, column) {
  return el('table', {id},
      el('caption', {}, title),
      el('thead', {}, el('tr', {}, el('th', {scope: 'col'}, column),
                                     el('th', {scope: 'col', class: 'num'}, 'Clicks'))),
      el('tbody', {}, rows.length ?
          rows.map((r) => el('tr', {}, el('td', {}, String(r[key])), el('td', {class: 'num'}, String(r.clicks)))) :
          el('tr', {}, el('td', {colspan: 2}, 'None'))));
}

const BREAKDOWNS = [
  // [field of the answer, title, key of its items, column heading]
  ['referrers', 'Referrers', 'host', 'Host'], ['countries', 'Countries', 'code', 'Country'],
  ['devices', 'Devices', 'device', 'Device'], ['browsers', 'Browsers', 'browser', 'Browser'],
  ['os', 'Operating systems', 'os', 'System'],
];

// The statistics of [from, to] (YYYY-MM-DD, as typed); a refused range shows the API's message.
async function loadStats(from, to) {
  const answer = await api('GET', path + '/stats?' + new URLSearchParams({from, to}));
  if (requireLogin(answer)) return;
  if (answer.status !== 200) {
    say(problem(answer));
    fill(document.getElementById('totals'));
    fill(document.getElementById('breakdowns'));
    drawChart(null);
    return;
  }
  say('', false);
  const data = answer.json.data;
  showTotals(data);
  drawChart(filled(data.from, data.to, data.by_day));
  fill(document.getElementById('breakdowns'),
      BREAKDOWNS.map(([field, title, key, column]) =>
        table('stats-' + field, title, data[field] || [], key, column)));
}

async function start() {
  nav();
  const answer = await api('GET', path);
  if (requireLogin(answer)) return;
  if (answer.status !== 200) return say(problem(answer));
  const record = answer.json.data;
  showRecord(record);
  const to = day(new Date());
  const start30 = new Date();
  start30.setUTCDate(start30.getUTCDate() - 29);
  const from = day(start30);
  document.getElementById('from').value = from;
  document.getElementById('to').value = to;
  await loadStats(from, to);
  document.getElementById('range').addEventListener('submit', (event) => {
    event.preventDefault();
    loadStats(document.getElementById('from').value, document.getElementById('to').value);
  });
  document.getElementById('edit').addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = Object.assign({original_url: document.getElementById('target').value}, limitValues());
    const expiry = document.querySelector('input[name=expiry]:checked').value;
    if (expiry === 'permanent') body.expires_in = null;
    if (expiry === 'days') body.expires_in = Math.round(Number(document.getElementById('days').value) * 86400);
    const saved = await api('PATCH', path, body);
    if (saved.status !== 200) return say(problem(saved));
    showRecord(Object.assign(record, saved.json.data));
    say('Saved.', false);
  });
  document.getElementById('delete').addEventListener('click', async () => {
    if (!window.confirm('Delete ' + record.short_url + '? It stops working at once.')) return;
    const gone = await api('DELETE', path);
    if (gone.status !== 204) return say(problem(gone));
    window.location.assign('/ui/links.html');
  });
}

start();
