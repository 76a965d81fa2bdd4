// One-shot hand-over between pages, in memory only: the secret of a webhook
// just created is shown once on its page and then forgotten.

let held = null;

export function put(key, value) {
  held = {key, value};
}

export function take(key) {
  if (!held || held.key !== key) return null;
  const {value} = held;
  held = null;
  return value;
}
