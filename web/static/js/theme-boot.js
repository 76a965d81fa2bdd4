// Applies a stored light/dark choice before the first paint (a classic
// script in <head>; the CSP allows no inline script). theme.js owns it
// afterwards.
(function () {
  try {
    var v = localStorage.getItem('hookd.theme');
    if (v === 'light' || v === 'dark') document.documentElement.setAttribute('data-theme', v);
  } catch (e) { /* storage off: the system's preference applies */ }
})();
