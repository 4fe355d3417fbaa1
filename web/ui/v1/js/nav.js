// The navigation of the signed-in pages, and logging out.
import {api, problem} from './api.js';
import {el, fill, say} from './dom.js';

const PAGES = [
  ['/ui/shorten.html', 'Shorten'],
  ['/ui/links.html', 'My links'],
  ['/ui/keys.html', 'API keys'],
  ['/ui/password.html', 'Password'],
];

export function nav() {
  const bar = document.getElementById('nav');
  if (!bar) return;
  const admin = [['/ui/users.html', 'Users'], ['/ui/import.html', 'Import']];
  const pages = sessionStorage.getItem('admin') === '1' ? PAGES.concat(admin) : PAGES;
  const links = pages.map(([href, label]) =>
    el('li', {}, el('a', {href, 'aria-current': location.pathname === href ? 'page' : false}, label)));
  const logout = el('button', {type: 'button', class: 'link', id: 'logout'}, 'Log out');
  logout.addEventListener('click', async () => {
    const answer = await api('POST', '/url/logout');
    // 204: ended; 401: it had ended already. Anything else left it alive: say why, and stay.
    if (answer.status !== 204 && answer.status !== 401) return say(problem(answer));
    sessionStorage.removeItem('username');
    sessionStorage.removeItem('admin');
    window.location.assign('/');
  });
  fill(bar, el('ul', {}, links, el('li', {}, logout)));
}
