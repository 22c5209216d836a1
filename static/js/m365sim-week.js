/* Simulator week view: switch mailbox without an inline handler (CSP), and drag an own
   event to another day or time (15-minute steps); the drop posts the new date and start
   to the event's move URL, the duration stays. Editing and deleting work without JS. */
(function () {
  "use strict";
  var STEP = 15;

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  document.addEventListener("DOMContentLoaded", function () {
    var switcher = document.querySelector("[data-mailbox-switch] select");
    if (switcher) {
      switcher.addEventListener("change", function () { window.location.href = switcher.value; });
    }
    var grid = document.querySelector(".wk-grid");
    var form = document.querySelector("[data-move-form]");
    if (!grid || !form) { return; }
    var dayStart = Number(grid.getAttribute("data-day-start"));
    var perMinute = Number(grid.getAttribute("data-px-per-minute"));
    var dragged = null, grabOffset = 0;

    grid.querySelectorAll(".wk-ev[data-move-url]").forEach(function (ev) {
      ev.addEventListener("dragstart", function (e) {
        dragged = ev;
        grabOffset = e.clientY - ev.getBoundingClientRect().top;
        ev.classList.add("wk-dragging");
        e.dataTransfer.effectAllowed = "move";
        e.dataTransfer.setData("text/plain", ev.getAttribute("data-event"));
      });
      ev.addEventListener("dragend", function () { ev.classList.remove("wk-dragging"); dragged = null; });
    });
    grid.querySelectorAll(".wk-col").forEach(function (col) {
      col.addEventListener("dragover", function (e) {
        if (!dragged) { return; }
        e.preventDefault();
        col.classList.add("wk-drop");
      });
      col.addEventListener("dragleave", function () { col.classList.remove("wk-drop"); });
      col.addEventListener("drop", function (e) {
        if (!dragged) { return; }
        e.preventDefault();
        col.classList.remove("wk-drop");
        var y = e.clientY - col.getBoundingClientRect().top - grabOffset;
        var minutes = Math.max(0, Math.round(y / perMinute / STEP) * STEP) + dayStart * 60;
        form.action = dragged.getAttribute("data-move-url");
        form.elements.namedItem("date").value = col.getAttribute("data-date");
        form.elements.namedItem("start").value = pad(Math.floor(minutes / 60) % 24) + ":" + pad(minutes % 60);
        form.submit();
      });
    });
  });
})();
