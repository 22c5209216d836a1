/* Base layout: the language switcher submits on change (no inline handler, so the
   Content-Security-Policy can forbid inline scripts). Without JavaScript the
   "Wechseln" button inside <noscript> submits the form.
   Every POST form sends once: a second submit while the first is under way is dropped
   and its buttons are disabled (the server's one-time submission key is the real guard). */
(function () {
  "use strict";

  function guard(form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.submitting) {
        event.preventDefault();
        return;
      }
      form.dataset.submitting = "1";
      // Disabled after the submit event: the clicked button's name/value is still sent.
      window.setTimeout(function () {
        form.querySelectorAll("button[type=submit], input[type=submit], button:not([type])")
          .forEach(function (button) {
            button.disabled = true;
            button.setAttribute("aria-busy", "true");
          });
      }, 0);
    });
  }

  function release() {
    // Back from the next page (bfcache): the form may be sent again.
    document.querySelectorAll("form[data-submitting]").forEach(function (form) {
      delete form.dataset.submitting;
      form.querySelectorAll("[aria-busy=true]").forEach(function (button) {
        button.disabled = false;
        button.removeAttribute("aria-busy");
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
    document.querySelectorAll("form[method=post], form[method=POST]").forEach(guard);
  });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { release(); }
  });
})();
