/* Demo mail page: the sandboxed HTML frame grows to the whole mail (no inner scrollbar).
   The frame runs no scripts; it is same-origin only so that its height can be read here. */
(function () {
  "use strict";
  function fit(frame) {
    try {
      var doc = frame.contentDocument;
      if (doc && doc.documentElement) {
        frame.style.height = (doc.documentElement.scrollHeight + 24) + "px";
      }
    } catch (e) { /* another origin: keep the default height */ }
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("iframe[data-fit-content]").forEach(function (frame) {
      frame.addEventListener("load", function () { fit(frame); });
      fit(frame);
    });
  });
})();
