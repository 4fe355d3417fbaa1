// The JSON API from the browser: the session cookie rides along (same origin), and every
// change carries the page's Origin, which the server's CSRF rule checks.

export async function api(method, path, body) {
  const init = {method, credentials: 'same-origin', headers: {Accept: 'application/json'}};
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  } else if (method === 'POST') {
    init.headers['Content-Type'] = 'application/json';
    init.body = '{}';
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
