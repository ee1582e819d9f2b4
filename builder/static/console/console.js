// mallkit console: the mobile nav drawer, closing open menus, and fetch() with the CSRF header.
(function () {
  "use strict";
  var body = document.body;
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest("[data-nav-toggle]");
    if (toggle) {
      var open = body.classList.toggle("nav-open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      return;
    }
    if (event.target.closest("[data-nav-close]")) {
      body.classList.remove("nav-open");
    }
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) menu.removeAttribute("open");
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    body.classList.remove("nav-open");
    document.querySelectorAll("details.menu[open]").forEach(function (m) { m.removeAttribute("open"); });
  });
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) event.preventDefault();
  });

  /** fetch() for console JSON writes: sends the CSRF token and the session cookie. */
  window.mallkitFetch = function (url, options) {
    options = options || {};
    var meta = document.querySelector('meta[name="csrf-token"]');
    var headers = new Headers(options.headers || {});
    if (meta) headers.set("X-CSRF-Token", meta.getAttribute("content"));
    if (!headers.has("Accept")) headers.set("Accept", "application/json");
    if (options.body && typeof options.body !== "string" && !(options.body instanceof FormData)) {
      headers.set("Content-Type", "application/json");
      options.body = JSON.stringify(options.body);
    }
    options.headers = headers;
    options.credentials = "same-origin";
    return fetch(url, options);
  };
})();
