// Applies the light/dark choice before the first paint (a classic script
// in <head>; the CSP allows no inline script). theme.js owns it afterwards.
// Embedded (the portal, or behind a host's login), the host product may
// theme the page from its URL: ?theme=light|dark&accent=%23RRGGBB. The
// accent becomes a CSS custom property, set through the CSSOM, which the
// CSP allows where a style attribute or element would not be.
(function () {
  var root = document.documentElement;
  var meta = document.querySelector('meta[name="hookd-mode"]');
  var mode = meta ? meta.content : 'token';
  var query = mode === 'portal' || mode === 'host' ? new URLSearchParams(window.location.search) : new URLSearchParams();
  var theme = query.get('theme');
  if (theme === 'light' || theme === 'dark') {
    root.setAttribute('data-theme', theme);
    root.setAttribute('data-host-theme', theme);
  } else {
    try {
      var v = localStorage.getItem('hookd.theme');
      if (v === 'light' || v === 'dark') root.setAttribute('data-theme', v);
    } catch (e) { /* storage off: the system's preference applies */ }
  }
  var accent = query.get('accent');
  // Exactly #RRGGBB: anything else could carry more CSS than a colour.
  if (accent && /^#[0-9A-Fa-f]{6}$/.test(accent)) {
    var n = parseInt(accent.slice(1), 16);
    var lin = function (c) {
      c /= 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    };
    var luminance = 0.2126 * lin(n >> 16) + 0.7152 * lin((n >> 8) & 255) + 0.0722 * lin(n & 255);
    root.style.setProperty('--host-accent', accent.toLowerCase());
    // Text on accent-coloured buttons stays readable on a light accent.
    root.style.setProperty('--on-accent', luminance > 0.4 ? '#101828' : '#ffffff');
    root.classList.add('host-accent');
  }
})();
