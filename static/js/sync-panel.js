// Fresh sync state (and a drift check against Outlook) after the appointment page is shown.
(function () {
  "use strict";
  var panel = document.getElementById("sync-panel");
  if (!panel || !window.fetch) { return; }
  fetch(panel.dataset.url, {credentials: "same-origin"})
    .then(function (r) { return r.ok ? r.text() : null; })
    .then(function (html) { if (html) { panel.innerHTML = html; } });
})();
