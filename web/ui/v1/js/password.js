// Change password: every session ends, so the page goes back to the log-in page.
import {api, problem} from './api.js';
import {say} from './dom.js';
import {nav} from './nav.js';

nav();
document.getElementById('change').addEventListener('submit', async (event) => {
  event.preventDefault();
  const username = sessionStorage.getItem('username') || window.prompt('Your username') || '';
  const answer = await api('POST', '/url/password', {
    username,
    current_password: document.getElementById('current').value,
    new_password: document.getElementById('new').value,
  });
  if (answer.status !== 204) return say(problem(answer));
  sessionStorage.removeItem('username');
  window.location.assign('/?changed=1');
});
