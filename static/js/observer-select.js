/* Observers: a searchable multi-select with chips over the <select multiple>
   (progressive enhancement: without JavaScript the plain list stays). Type a name, pick
   with Enter or a click, remove with the chip's button or Backspace in the empty field.
   The select stays the form's field: every pick changes its options' selection. */
(function () {
  "use strict";
  var counter = 0;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text) { node.textContent = text; }
    return node;
  }

  function enhance(select) {
    var form = select.form, id = "obs" + (++counter);
    var label = form.querySelector("label[for='" + select.id + "']");
    var box = el("div", "ms");
    var chips = el("ul", "ms-chips");
    chips.setAttribute("aria-label", select.getAttribute("data-chosen-label") || "");
    var input = el("input", "ms-input");
    input.type = "text"; input.id = id + "-input"; input.autocomplete = "off";
    input.placeholder = select.getAttribute("data-placeholder") || "";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", id + "-list");
    var list = el("ul", "ms-list");
    list.id = id + "-list"; list.setAttribute("role", "listbox"); list.hidden = true;
    var empty = select.getAttribute("data-empty") || "";
    box.appendChild(chips); box.appendChild(input); box.appendChild(list);
    select.parentNode.insertBefore(box, select);
    select.hidden = true;
    select.setAttribute("aria-hidden", "true");
    select.tabIndex = -1;
    if (label) { label.setAttribute("for", input.id); }
    var active = -1;

    function organizer() {
      var r = form.elements.namedItem("recruiter");
      return r ? r.value : "";
    }
    function changed() { select.dispatchEvent(new Event("change", { bubbles: true })); }
    function drawChips() {
      chips.textContent = "";
      Array.prototype.forEach.call(select.options, function (o) {
        if (!o.selected) { return; }
        var chip = el("li", "ms-chip", o.text + " ");
        var remove = el("button", "ms-remove", "×");
        remove.type = "button";
        remove.setAttribute("aria-label", (select.getAttribute("data-remove") || "") + " " + o.text);
        remove.addEventListener("click", function () {
          o.selected = false; drawChips(); changed(); input.focus();
        });
        chip.appendChild(remove);
        chips.appendChild(chip);
      });
    }
    function matches() {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      return Array.prototype.filter.call(select.options, function (o) {
        if (o.selected || o.value === organizer()) { return false; }
        var text = o.text.toLowerCase();
        return words.every(function (w) { return text.indexOf(w) !== -1; });
      });
    }
    function drawList(open) {
      var found = matches();
      list.textContent = "";
      if (active >= found.length) { active = found.length - 1; }
      found.forEach(function (o, i) {
        var item = el("li", "ms-option" + (i === active ? " ms-active" : ""), o.text);
        item.id = id + "-opt-" + o.value;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", String(i === active));
        item.addEventListener("mousedown", function (e) { e.preventDefault(); pick(o); });
        list.appendChild(item);
      });
      if (!found.length && input.value) { list.appendChild(el("li", "ms-none", empty)); }
      list.hidden = !open;
      input.setAttribute("aria-expanded", String(open));
      if (active >= 0 && found[active]) {
        input.setAttribute("aria-activedescendant", id + "-opt-" + found[active].value);
      } else { input.removeAttribute("aria-activedescendant"); }
      return found;
    }
    function pick(option) {
      option.selected = true;
      input.value = ""; active = -1;
      drawChips(); drawList(true); changed();
    }
    input.addEventListener("input", function () { active = 0; drawList(true); });
    input.addEventListener("focus", function () { drawList(true); });
    input.addEventListener("blur", function () { drawList(false); });
    input.addEventListener("keydown", function (e) {
      var found = matches();
      if (e.key === "ArrowDown") { e.preventDefault(); active = Math.min(active + 1, found.length - 1); drawList(true); }
      else if (e.key === "ArrowUp") { e.preventDefault(); active = Math.max(active - 1, 0); drawList(true); }
      else if (e.key === "Enter") {
        if (!list.hidden && found.length) { e.preventDefault(); pick(found[Math.max(active, 0)]); }
      } else if (e.key === "Escape") { drawList(false); }
      else if (e.key === "Backspace" && !input.value) {
        var chosen = Array.prototype.filter.call(select.options, function (o) { return o.selected; });
        if (chosen.length) { chosen[chosen.length - 1].selected = false; drawChips(); changed(); }
      }
    });
    form.addEventListener("change", function (e) {
      if (e.target.name !== "recruiter") { return; }
      // The organizer is never his own observer.
      Array.prototype.forEach.call(select.options, function (o) {
        if (o.value === organizer() && o.selected) { o.selected = false; drawChips(); changed(); }
      });
    });
    drawChips();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[multiple][data-observer-select]").forEach(enhance);
  });
})();
