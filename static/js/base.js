/* Base layout: the language switcher submits on change (no inline handler, so the
   Content-Security-Policy can forbid inline scripts). Without JavaScript the
   "Wechseln" button inside <noscript> submits the form. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
  });
})();
