// Light and dark mode: the system's preference unless the user picked one
// with the top bar's toggle (kept in localStorage, which holds nothing
// else). index.html applies the stored choice before the first paint.
// When the host product chose a theme in the URL (theme-boot.js marks it
// data-host-theme), that one holds and the toggle is hidden.

const KEY = 'hookd.theme';
const choices = ['system', 'light', 'dark'];
const labels = {system: 'Theme: system', light: 'Theme: light', dark: 'Theme: dark'};

function hostTheme() {
  return document.documentElement.getAttribute('data-host-theme');
}

function stored() {
  const v = localStorage.getItem(KEY);
  return choices.includes(v) ? v : 'system';
}

// apply sets the choice on <html>: data-theme="light|dark" for a pick, none
// for the system's.
function apply(choice) {
  const root = document.documentElement;
  if (choice === 'system') root.removeAttribute('data-theme');
  else root.setAttribute('data-theme', choice);
}

// current is the theme on screen now.
export function current() {
  const choice = hostTheme() || stored();
  if (choice !== 'system') return choice;
  return window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

// bindToggle makes button cycle system → light → dark, saying which.
export function bindToggle(button) {
  if (hostTheme()) {
    button.hidden = true;
    return;
  }
  const show = () => {
    const choice = stored();
    button.dataset.theme = choice;
    button.setAttribute('aria-label', `${labels[choice]} (change)`);
    button.title = `${labels[choice]}. Click for ${choices[(choices.indexOf(choice) + 1) % choices.length]}.`;
  };
  button.addEventListener('click', () => {
    const next = choices[(choices.indexOf(stored()) + 1) % choices.length];
    if (next === 'system') localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, next);
    apply(next);
    show();
  });
  apply(stored());
  show();
}
