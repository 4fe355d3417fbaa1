// Building the page from data without ever parsing data as markup: every string a user or the
// API supplied becomes a text node (textContent), never innerHTML.

// el('a', {href: '/x', class: 'btn'}, 'text', child...): an element; string children are text.
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      node.addEventListener(name.slice(2), value);
    } else {
      node.setAttribute(name, value === true ? '' : String(value));
    }
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// Replaces the children of `node` with `children`.
export function fill(node, ...children) {
  node.replaceChildren();
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// Shows `message` (text) in the page's status region, as an error or not.
export function say(message, isError = true) {
  const box = document.getElementById('status');
  if (!box) return;
  box.className = isError ? 'status error' : 'status ok';
  box.textContent = message;
}

// A copy button for `text`.
export function copyButton(text, label = 'Copy') {
  const button = el('button', {type: 'button', class: 'secondary copy'}, label);
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(text);
      button.textContent = 'Copied';
    } catch (e) {
      // No clipboard permission (an insecure origin): select the text for a manual copy.
      const field = el('input', {type: 'text', value: text, readonly: true, 'aria-label': 'Short URL'});
      button.replaceWith(field);
      field.select();
    }
  });
  return button;
}

// "2026-12-02T12:00:00Z" as the reader's local date and time.
export function when(iso) {
  if (!iso) return 'never';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

export function expired(record) {
  return record.expiration_date !== null && new Date(record.expiration_date) <= new Date();
}

// "1 click", "2 clicks".
export function plural(count, word) {
  return count + ' ' + word + (count === 1 ? '' : 's');
}
