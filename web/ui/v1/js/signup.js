// The sign-up page: a new account, then logged in at once.
import {api, problem, settings} from './api.js';
import {say} from './dom.js';

function closed() {
  document.getElementById('signup').hidden = true;
  say('Sign-up is closed here: ask an administrator for an account.');
}

// The form stays hidden until the service says sign-up is not closed.
settings().then((known) => {
  if (known.signup === 'closed') closed();
  else document.getElementById('signup').hidden = false;
});
document.getElementById('signup').addEventListener('submit', async (event) => {
  event.preventDefault();
  const username = document.getElementById('username').value;
  const email = document.getElementById('email').value;
  const password = document.getElementById('password').value;
  const answer = await api('POST', '/url/signup', {username, email, password});
  if (answer.status === 403) return closed();
  if (answer.status !== 201) return say(problem(answer));
  const login = await api('POST', '/url/login', {username, password, session: true});
  if (login.status !== 200) return say(problem(login));
  sessionStorage.setItem('username', username);
  window.location.assign('/ui/shorten.html');
});
