// The JSON API from the browser: the session cookie rides along (same origin), and every
// change carries the page's Origin, which the server's CSRF rule checks.

export async function api(method, path, body) {
  if (body !== undefined) return send(method, path, 'application/json', JSON.stringify(body));
  if (method === 'POST') return send(method, path, 'application/json', '{}');
  return send(method, path);
}

// A request with a body of another kind (a file): `body` as fetch takes it, with `type`.
export async function send(method, path, type, body) {
  const init = {method, credentials: 'same-origin', headers: {Accept: 'application/json'}};
  if (type !== undefined) {
    init.headers['Content-Type'] = type;
    init.body = body;
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    return {status: 0, json: {ok: false, message: 'The service cannot be reached.'}};
  }
  let json = null;
  if (response.status !== 204) {
    try {
      json = await response.json();
    } catch (e) {
      json = {ok: false, message: 'Unexpected answer (' + response.status + ').'};
    }
  }
  return {status: response.status, json};
}

// The API's message of a failed answer, with the field it names.
export function problem(answer) {
  const json = answer.json || {};
  const message = json.message || 'Request failed (' + answer.status + ').';
  return json.field ? message + ' (' + json.field + ')' : message;
}

// Sends a signed-out visitor to the log-in page.
export function requireLogin(answer) {
  if (answer.status === 401) {
    window.location.assign('/?next=' + encodeURIComponent(location.pathname + location.search));
    return true;
  }
  return false;
}

// The service's public settings (GET /api/v1/settings, an addition beyond API.md: {"signup":
// "open"|"closed"}); {} when it cannot say.
export async function settings() {
  const answer = await api('GET', '/api/v1/settings');
  return answer.status === 200 && answer.json && answer.json.data ? answer.json.data : {};
}

// Remembers for the navigation whether the signed-in user is an admin (the admin-only user list
// answers 200). Only what the menu shows depends on it: the API checks every request itself.
export async function rememberRole() {
  const answer = await api('GET', '/api/v1/users?limit=1');
  sessionStorage.setItem('admin', answer.status === 200 ? '1' : '0');
}
