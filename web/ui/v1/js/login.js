// The log-in page (/): a session login; a signed-in visitor goes on to the links.
import {api, problem, rememberRole, settings} from './api.js';
import {say} from './dom.js';

async function start() {
  const probe = await api('GET', '/api/v1/url-shorteners?limit=1');
  if (probe.status === 200) return goOn();
  // Sign-up link only where signing up is possible (hidden in the page until known).
  document.getElementById('signup-link').hidden = (await settings()).signup === 'closed';
  document.getElementById('login').addEventListener('submit', async (event) => {
    event.preventDefault();
    const username = document.getElementById('username').value;
    const password = document.getElementById('password').value;
    const answer = await api('POST', '/url/login', {username, password, session: true});
    if (answer.status !== 200) return say(problem(answer));
    sessionStorage.setItem('username', username);
    goOn();
  });
}

async function goOn() {
  await rememberRole();
  window.location.assign(nextPage(new URLSearchParams(location.search).get('next')));
}

// Where a link's `next` may send a visitor who has logged in: a page of this interface only,
// judged by the path the browser resolves ("/ui/../r/x" and "/ui/%2e%2e/r/x" are short links,
// which lead anywhere) with no escape left that the web server would decode into a separator
// or a dot segment ("/ui/..%2Fr%2Fx"); never an absolute URL someone put in the link.
function nextPage(next) {
  const fallback = '/ui/links.html';
  if (!next || !next.startsWith('/ui/')) return fallback;
  const url = new URL(next, location.origin);
  if (url.origin !== location.origin || !/^\/ui\/[A-Za-z0-9_.\/-]*$/.test(url.pathname)) {
    return fallback;
  }
  return url.pathname + url.search;
}

start();
