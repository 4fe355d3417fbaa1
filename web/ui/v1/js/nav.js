// The navigation of the signed-in pages, and logging out.
import {api} from './api.js';
import {el, fill} from './dom.js';

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
    await api('POST', '/url/logout');
    sessionStorage.removeItem('username');
    sessionStorage.removeItem('admin');
    window.location.assign('/');
  });
  fill(bar, el('ul', {}, links, el('li', {}, logout)));
}
