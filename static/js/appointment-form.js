/* Appointment and proposal forms: show only the fields that apply to the chosen kind.
   Without JavaScript every field stays visible and the server ignores what does not apply. */
(function () {
  "use strict";
  function update(select) {
    var form = select.form;
    var kind = select.value;
    form.querySelectorAll("[data-show-for]").forEach(function (el) {
      el.hidden = el.getAttribute("data-show-for").split(" ").indexOf(kind) === -1;
    });
    var message = form.querySelector("[data-join-placeholder]");
    var placeholder = message && message.getAttribute("data-join-placeholder");
    if (placeholder && kind === "online" && message.value.indexOf(placeholder) === -1) {
      // Online invitations need the placeholder for the join information.
      message.value = (message.value.replace(/\s+$/, "") + "\n\n" + placeholder).replace(/^\s+/, "");
    } else if (placeholder && kind !== "online" && message.value.indexOf(placeholder) !== -1) {
      // Other kinds have no join information: the placeholder would only confuse.
      message.value = message.value.split(placeholder).join("").replace(/\n{3,}/g, "\n\n").trim();
    }
  }
  /* Online: with the recruiter's calendar connection Teams makes the meeting, and the
     manual link field appears only for "Eigenen Link verwenden". */
  function updateLink(form) {
    var box = form.querySelector("[data-teams-choice]");
    if (!box) { return; }
    var recruiter = form.elements.namedItem("recruiter");
    var teams = (box.getAttribute("data-teams-recruiters") || "").split(" ")
      .indexOf(recruiter ? recruiter.value : "") !== -1;
    var own = form.querySelector("[data-own-link]");
    box.querySelector("[data-teams-notice]").hidden = !teams || (own && own.checked);
    box.querySelector("[data-own-link-field]").hidden = !teams;
    box.querySelector("[data-manual-link]").hidden = teams && !(own && own.checked);
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[data-kind-select]").forEach(function (select) {
      select.addEventListener("change", function () { update(select); });
      update(select);
      var form = select.form;
      form.addEventListener("change", function (e) {
        if (e.target.name === "recruiter" || e.target.name === "own_link") { updateLink(form); }
      });
      updateLink(form);
    });
  });
})();
