// A link's page: its record, clicks per day as a chart (Debian's Chart.js), the statistics
// endpoint's breakdowns where the service has it, editing and deleting.
import {api, problem, requireLogin} from './api.js';
import {copyButton, el, expired, fill, say, when} from './dom.js';
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
         el('dt', {}, 'Metadata'), el('dd', {class: 'metadata'}, JSON.stringify(record.metadata))),
      el('img', {src: qr + '.svg', alt: 'QR code of ' + record.short_url, width: 160, height: 160, class: 'qr'}),
      el('p', {}, el('a', {href: qr + '.png?size=10', download: record.slug + '.png'}, 'Download the QR code (PNG)')));
  document.getElementById('target').value = record.original_url;
}

function drawChart(days) {
  const labels = days.map((d) => d.date);
  const clicks = days.map((d) => d.clicks);
  const canvas = document.getElementById('chart');
  if (typeof window.Chart !== 'function') {
    fill(canvas.parentElement, el('p', {}, 'Chart unavailable: ' + clicks.reduce((a, b) => a + b, 0) + ' clicks.'));
    return;
  }
  if (chart) chart.destroy();
  chart = new window.Chart(canvas, {
    type: 'bar',
    data: {labels, datasets: [{label: 'Clicks', data: clicks, backgroundColor: '#2f6fde'}]},
    options: {responsive: true, maintainAspectRatio: false, animation: false,
              scales: {y: {beginAtZero: true, ticks: {precision: 0}}}},
  });
}

// Every day of [from, to] with its clicks (0 where the API lists none).
function filled(from, to, listed) {
  const byDate = new Map(listed.map((d) => [d.date, d.clicks]));
  const days = [];
  for (let d = new Date(from + 'T00:00:00Z'); day(d) <= to; d.setUTCDate(d.getUTCDate() + 1)) {
    days.push({date: day(d), clicks: byDate.get(day(d)) || 0});
  }
  return days;
}

function table(title, rows, key) {
  if (!Array.isArray(rows) || !rows.length) return null;
  return el('table', {},
      el('caption', {}, title),
      el('thead', {}, el('tr', {}, el('th', {scope: 'col'}, key), el('th', {scope: 'col'}, 'Clicks'))),
      el('tbody', {}, rows.map((r) => el('tr', {}, el('td', {}, String(r[key] ?? r.name ?? r.value ?? '')),
                                            el('td', {}, String(r.clicks))))));
}

async function loadStats(record, from, to) {
  const stats = await api('GET', path + '/stats?' + new URLSearchParams({from, to}));
  const box = document.getElementById('breakdowns');
  if (stats.status !== 200 || !stats.json || !stats.json.data) {
    // Without the statistics endpoint: the record's clicks by day.
    drawChart(filled(from, to, record.clicks_by_day || []));
    fill(box);
    return;
  }
  const data = stats.json.data;
  drawChart(filled(from, to, data.by_day || []));
  fill(box,
      el('p', {}, data.clicks + ' clicks: ' + data.human_clicks + ' by people, ' + data.bot_clicks +
         ' by bots; about ' + data.unique_visitors + ' unique visitors.'),
      table('Referrers', data.referrers, 'host'), table('Countries', data.countries, 'code'),
      table('Devices', data.devices, 'device'), table('Browsers', data.browsers, 'browser'),
      table('Operating systems', data.os, 'os'));
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
  await loadStats(record, from, to);
  document.getElementById('range').addEventListener('submit', (event) => {
    event.preventDefault();
    loadStats(record, document.getElementById('from').value, document.getElementById('to').value);
  });
  document.getElementById('edit').addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = {original_url: document.getElementById('target').value};
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
