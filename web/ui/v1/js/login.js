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
  const next = new URLSearchParams(location.search).get('next');
  // Only a path of this site: never an absolute URL someone put in the link.
  window.location.assign(next && /^\/ui\/[A-Za-z0-9_./?=&%-]*$/.test(next) ? next : '/ui/links.html');
}

start();
