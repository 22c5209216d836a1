/* Appointment picker: timeline of free/busy for organiser, observers and room (F8, F10).
   Data comes from our JSON endpoint (only time blocks and status); times are shown in the
   company's zone via Intl, whatever the browser's zone. No framework, no CDN.
   Without JavaScript the panel says so and the form works as before. */
(function () {
  "use strict";
  var GRID = 15 * 60000;
  var DAY = 86400000;

  function Picker(root) {
    this.root = root;
    this.form = root.closest("form");
    this.zone = root.getAttribute("data-zone") || "Europe/Berlin";
    this.texts = JSON.parse(root.querySelector("[data-texts]").textContent);
    this.view = "day";
    this.fullDay = false;
    this.slotRow = 1; // proposal form: the slot row last focused
    this.data = null;
    this.timer = null;
    this.request = 0;
    this.fmtParts = new Intl.DateTimeFormat("en-CA", {
      timeZone: this.zone, year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", hourCycle: "h23"
    });
    // Dates as the reader's language writes them (the page's <html lang>): 01.12.2026 or 12/1/2026.
    this.lang = document.documentElement.lang === "en" ? "en-GB" : "de-DE";
    this.fmtDay = new Intl.DateTimeFormat(this.lang, {
      timeZone: this.zone, weekday: "short", day: "2-digit", month: "2-digit"
    });
    this.fmtDate = new Intl.DateTimeFormat(this.lang, {
      timeZone: "UTC", day: "2-digit", month: "2-digit", year: "numeric"
    });
    this.q = function (sel) { return root.querySelector(sel); };
    this.anchor = this.fieldValues().date || this.local(Date.now()).date;
    this.bind();
    this.q("[data-app]").hidden = false;
    this.load();
  }

  /* --- time in the company's zone -------------------------------------------------- */
  Picker.prototype.local = function (ms) {
    var p = {};
    this.fmtParts.formatToParts(new Date(ms)).forEach(function (x) { p[x.type] = x.value; });
    return { date: p.year + "-" + p.month + "-" + p.day, time: p.hour + ":" + p.minute };
  };
  Picker.prototype.toUtc = function (date, time) {
    // Wall time in the zone -> instant: guess as UTC, correct by the zone's offset (twice for DST).
    var d = date.split("-").map(Number), t = (time || "00:00").split(":").map(Number);
    var wall = Date.UTC(d[0], d[1] - 1, d[2], t[0], t[1]);
    var guess = wall;
    for (var i = 0; i < 2; i++) {
      var l = this.local(guess), ld = l.date.split("-").map(Number), lt = l.time.split(":").map(Number);
      var shown = Date.UTC(ld[0], ld[1] - 1, ld[2], lt[0], lt[1]);
      guess += wall - shown;
    }
    return guess;
  };
  Picker.prototype.addDays = function (date, n) {
    var d = date.split("-").map(Number);
    return new Date(Date.UTC(d[0], d[1] - 1, d[2] + n)).toISOString().slice(0, 10);
  };
  Picker.prototype.monday = function (date) {
    var d = date.split("-").map(Number);
    var wd = (new Date(Date.UTC(d[0], d[1] - 1, d[2])).getUTCDay() + 6) % 7;
    return this.addDays(date, -wd);
  };
  Picker.prototype.hhmm = function (ms) { return this.local(ms).time; };
  Picker.prototype.shownDate = function (date) {
    // "2026-12-01" (a day of the company's zone) as the reader writes it.
    var d = date.split("-").map(Number);
    return this.fmtDate.format(new Date(Date.UTC(d[0], d[1] - 1, d[2], 12)));
  };

  /* --- the form's fields --------------------------------------------------------------- */
  Picker.prototype.field = function (name) { return this.form.elements.namedItem(name); };
  Picker.prototype.timeFields = function () {
    if (this.field("date")) {
      return { date: this.field("date"), start: this.field("start_time"), end: this.field("end_time") };
    }
    var n = this.slotRow;
    return { date: this.field("slot" + n + "_date"), start: this.field("slot" + n + "_start"),
             end: this.field("slot" + n + "_end") };
  };
  Picker.prototype.fieldValues = function () {
    var f = this.timeFields();
    return { date: f.date && f.date.value, start: f.start && f.start.value, end: f.end && f.end.value };
  };
  Picker.prototype.slot = function () {
    var v = this.fieldValues();
    if (!v.date || !v.start || !v.end) { return null; }
    var s = this.toUtc(v.date, v.start), e = this.toUtc(v.date, v.end);
    return e > s ? { start: s, end: e } : null;
  };
  Picker.prototype.duration = function () {
    var s = this.slot();
    return s ? s.end - s.start : 60 * 60000;
  };
  Picker.prototype.setSlot = function (startMs, announce) {
    var f = this.timeFields(), dur = this.duration();
    var a = this.local(startMs), b = this.local(startMs + dur);
    f.date.value = a.date; f.start.value = a.time; f.end.value = b.time;
    [f.date, f.start, f.end].forEach(function (el) {
      el.dispatchEvent(new Event("change", { bubbles: true }));
    });
    if (announce) { this.say(this.texts.set + " " + a.date + " " + a.time + "–" + b.time); }
    var range = this.range();
    if (a.date < range[0] || a.date > range[range.length - 1]) { this.anchor = a.date; }
    this.schedule(0);
  };
  Picker.prototype.onsite = function () {
    var kind = this.field("kind");
    return !kind || kind.value === "onsite";
  };

  /* --- loading ------------------------------------------------------------------------- */
  Picker.prototype.range = function () {
    var first = this.view === "week" ? this.monday(this.anchor) : this.anchor;
    var n = this.view === "week" ? 7 : 1, days = [];
    for (var i = 0; i < n; i++) { days.push(this.addDays(first, i)); }
    return days;
  };
  Picker.prototype.params = function () {
    var p = new URLSearchParams(), days = this.range();
    p.set("start", days[0]); p.set("days", String(days.length));
    var recruiter = this.field("recruiter");
    if (recruiter && recruiter.value) { p.set("recruiter", recruiter.value); }
    var observers = this.field("observers");
    if (observers && observers.options) {
      Array.prototype.forEach.call(observers.selectedOptions, function (o) { p.append("observers", o.value); });
    }
    var room = this.field("room_email"), roomName = this.field("room_name");
    if (this.onsite() && room && room.value.trim()) {
      p.set("room", room.value.trim());
      if (roomName && roomName.value) { p.set("room_name", roomName.value); }
    }
    var appointment = this.root.getAttribute("data-appointment");
    if (appointment) { p.set("appointment", appointment); }
    var s = this.slot();
    if (s) {
      p.set("slot_start", new Date(s.start).toISOString());
      p.set("slot_end", new Date(s.end).toISOString());
    }
    return p;
  };
  Picker.prototype.schedule = function (delay) {
    var self = this;
    clearTimeout(this.timer);
    this.timer = setTimeout(function () { self.load(); }, delay === undefined ? 300 : delay);
  };
  Picker.prototype.load = function () {
    var self = this, id = ++this.request;
    var url = this.root.getAttribute("data-url") + "?" + this.params().toString();
    this.q("[data-timeline]").setAttribute("aria-busy", "true");
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
      .then(function (res) {
        if (id !== self.request) { return; }
        self.q("[data-timeline]").removeAttribute("aria-busy");
        if (!res.ok) { return self.error(res.body.error || self.texts.loadFailed); }
        self.error("");
        self.data = res.body;
        self.render();
      })
      .catch(function () { if (id === self.request) { self.error(self.texts.loadFailed); } });
  };
  Picker.prototype.error = function (text) {
    var el = this.q("[data-error]");
    el.textContent = text; el.hidden = !text;
  };
  Picker.prototype.say = function (text) {
    this.q("[data-conflicts]").textContent = text;
  };

  /* --- drawing ------------------------------------------------------------------------- */
  Picker.prototype.hours = function () {
    // The union of everybody's working hours (wall clock), 08-17 when nobody has any.
    var lo = null, hi = null, self = this;
    this.data.rows.forEach(function (row) {
      row.working.forEach(function (w) {
        var a = self.hhmm(Date.parse(w.start)), b = self.hhmm(Date.parse(w.end));
        if (b === "00:00") { b = "24:00"; }
        if (lo === null || a < lo) { lo = a; }
        if (hi === null || b > hi) { hi = b; }
      });
    });
    return { from: lo || "08:00", to: hi || "17:00" };
  };
  Picker.prototype.windows = function () {
    var self = this, h = this.hours();
    return this.data.days.map(function (d) {
      if (self.fullDay) { return { date: d.date, start: Date.parse(d.start), end: Date.parse(d.end) }; }
      var end = h.to === "24:00" ? Date.parse(d.end) : self.toUtc(d.date, h.to);
      return { date: d.date, start: self.toUtc(d.date, h.from), end: end };
    });
  };
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text) { node.textContent = text; }
    return node;
  }
  function place(node, win, a, b) {
    var span = win.end - win.start;
    var left = Math.max(0, (a - win.start) / span), right = Math.min(1, (b - win.start) / span);
    if (right <= left) { return false; }
    node.style.left = (left * 100) + "%";
    node.style.width = ((right - left) * 100) + "%";
    return true;
  }
  Picker.prototype.render = function () {
    var self = this, data = this.data, wins = this.windows(), slot = this.slot();
    var box = this.q("[data-timeline]");
    box.textContent = "";
    var days = this.range();
    this.q("[data-range-label]").textContent = days.length === 1
      ? this.fmtDay.format(new Date(Date.parse(data.days[0].start) + DAY / 2))
      : this.shownDate(days[0]) + " – " + this.shownDate(days[days.length - 1]);
    var note = this.q("[data-outlook-note]");
    note.textContent = data.outlook.reason; note.hidden = !data.outlook.reason;
    this.renderUnknownNote();

    var head = el("div", "pk-row pk-head");
    head.appendChild(el("div", "pk-label"));
    var headTrack = el("div", "pk-track");
    wins.forEach(function (w) {
      var seg = el("div", "pk-day");
      if (wins.length > 1) { seg.appendChild(el("span", "pk-daylabel", self.fmtDay.format(new Date(w.start + 1)))); }
      for (var t = Math.ceil(w.start / 3600000) * 3600000; t < w.end; t += 3600000) {
        if (wins.length > 1 && (t - w.start) < 3600000) { continue; }
        var tick = el("span", "pk-tick", wins.length > 1 ? "" : self.hhmm(t));
        place(tick, w, t, t + 1); seg.appendChild(tick);
      }
      headTrack.appendChild(seg);
    });
    head.appendChild(headTrack);
    box.appendChild(head);

    data.rows.forEach(function (row) {
      var line = el("div", "pk-row pk-kind-" + row.kind + (row.known ? "" : " pk-row-unknown"));
      var label = el("div", "pk-label", row.label);
      if (!row.known) { label.appendChild(el("small", "pk-why", data.statuses.unknown)); }
      line.appendChild(label);
      var track = el("div", "pk-track");
      wins.forEach(function (w) {
        var seg = el("div", "pk-day" + (row.known ? "" : " pk-unknown"));
        seg.setAttribute("data-start", w.start); seg.setAttribute("data-end", w.end);
        // Unknown is hatched across the whole day: no white "working hours" over it.
        if (row.kind !== "room" && row.known) {
          seg.classList.add("pk-off");
          row.working.forEach(function (wk) {
            var n = el("div", "pk-work");
            if (place(n, w, Date.parse(wk.start), Date.parse(wk.end))) { seg.appendChild(n); }
          });
        }
        row.blocks.forEach(function (b) {
          var n = el("div", "pk-block pk-" + b.status + (b.source !== "outlook" ? " pk-src-" + b.source : ""));
          var s = Date.parse(b.start), e = Date.parse(b.end);
          n.title = data.statuses[b.status] + " " + self.hhmm(s) + "–" + self.hhmm(e) +
            (b.source === "ebms" ? " (" + self.texts.ebms + ")" : b.source === "proposal" ? " (" + self.texts.proposal + ")" : "");
          if (place(n, w, s, e)) { seg.appendChild(n); }
        });
        if (slot) {
          var band = el("div", "pk-band" + (self.rowConflicts(row, slot).length ? " pk-band-conflict" : ""));
          if (place(band, w, slot.start, slot.end)) { seg.appendChild(band); }
        }
        track.appendChild(seg);
      });
      line.appendChild(track);
      box.appendChild(line);
    });
    this.announce();
    this.renderRooms();
  };

  /* Why rows are unknown, once for all rows (the Outlook note already says its own reason). */
  Picker.prototype.renderUnknownNote = function () {
    var data = this.data, byNote = {}, order = [];
    data.rows.forEach(function (row) {
      if (row.known || !row.note || row.note === data.outlook.reason) { return; }
      if (!byNote[row.note]) { byNote[row.note] = []; order.push(row.note); }
      byNote[row.note].push(row.label);
    });
    var box = this.q("[data-unknown-note]");
    box.textContent = order.length ? this.texts.unknownRows + " " + order.map(function (n) {
      return byNote[n].join(", ") + " – " + n;
    }).join("; ") : "";
    box.hidden = !order.length;
  };

  /* --- conflicts (client side, for every move of the band) -------------------------------- */
  var TAKEN = { tentative: 1, busy: 1, oof: 1, unknown: 1 };
  Picker.prototype.rowConflicts = function (row, slot) {
    var self = this, found = [];
    if (!row.known) { found.push(this.data.statuses.unknown); }
    row.blocks.forEach(function (b) {
      var s = Date.parse(b.start), e = Date.parse(b.end);
      if (s < slot.end && e > slot.start && (TAKEN[b.status] || b.status === "workingElsewhere")) {
        found.push(self.data.statuses[b.status] + " " + self.hhmm(s) + "–" + self.hhmm(e));
      }
    });
    if (row.kind !== "room" && row.working.length && !row.working.some(function (w) {
      return Date.parse(w.start) <= slot.start && slot.end <= Date.parse(w.end);
    })) { found.push(this.data.statuses.outside); }
    return found;
  };
  Picker.prototype.announce = function () {
    var self = this, slot = this.slot(), box = this.q("[data-conflicts]");
    box.textContent = "";
    if (!slot) { box.textContent = this.texts.noSlot; return; }
    var items = [];
    this.data.rows.forEach(function (row) {
      self.rowConflicts(row, slot).forEach(function (text) { items.push(row.label + ": " + text); });
    });
    if (!items.length) { box.textContent = this.texts.noConflicts; return; }
    box.appendChild(el("p", "", this.texts.conflicts));
    var list = el("ul");
    items.forEach(function (t) { list.appendChild(el("li", "", t)); });
    box.appendChild(list);
  };

  /* --- rooms ------------------------------------------------------------------------------- */
  Picker.prototype.renderRooms = function () {
    var rooms = this.data.rooms, box = this.q("[data-rooms]"), t = this.texts;
    box.hidden = !this.onsite();
    this.q("[data-rooms-choice]").hidden = !rooms.enabled;
    var note = rooms.reason;
    if (rooms.enabled) {
      note = t.participants + " " + rooms.participants + (rooms.too_small ? " · " + t.tooSmall + " " + rooms.too_small : "");
    }
    this.q("[data-rooms-note]").textContent = note;
    if (!rooms.enabled) { return; }
    this.q("[data-rooms-refreshed]").textContent = rooms.refreshed_at
      ? this.shownDate(this.local(Date.parse(rooms.refreshed_at)).date) + " " +
        this.hhmm(Date.parse(rooms.refreshed_at)) : t.never;
    var select = this.q("[data-room-select]"), current = (this.field("room_email") || {}).value || "";
    select.textContent = "";
    select.appendChild(new Option(t.noRoom, ""));
    var listed = false, words = { free: t.roomFree, busy: t.roomBusy, tentative: t.roomTentative, unknown: t.roomUnknown };
    rooms.items.forEach(function (r) {
      var bits = [r.name];
      if (r.capacity) { bits.push(r.capacity + " " + t.capacity); }
      if (r.building || r.floor) { bits.push([r.building, r.floor].filter(Boolean).join(", ")); }
      if (r.accessible) { bits.push(t.accessible); }
      if (r.status) { bits.push(words[r.status] || r.status); }
      var option = new Option(bits.join(" · "), r.email);
      option.setAttribute("data-name", r.name);
      if (r.status && r.status !== "free") { option.className = "pk-room-busy"; }
      if (r.email === current.toLowerCase()) { option.selected = true; listed = true; }
      select.appendChild(option);
    });
    if (current && !listed) {
      var typed = new Option(current + " (" + t.typedRoom + ")", current);
      typed.selected = true; select.appendChild(typed);
    }
  };
  Picker.prototype.chooseRoom = function (email, name) {
    var room = this.field("room_email"), roomName = this.field("room_name");
    if (room) { room.value = email; }
    if (roomName) { roomName.value = name; }
    this.schedule(0);
  };
  Picker.prototype.refreshRooms = function () {
    var self = this, token = this.form.elements.namedItem("csrfmiddlewaretoken");
    fetch(this.data.rooms.refresh_url, {
      method: "POST", credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": token ? token.value : "" }
    }).then(function (r) { return r.json(); }).then(function (body) {
      self.q("[data-rooms-message]").textContent = body.message;
      self.schedule(0);
    }).catch(function () { self.q("[data-rooms-message]").textContent = self.texts.loadFailed; });
  };
  Picker.prototype.findNext = function () {
    var self = this, p = this.params(), slot = this.slot();
    var after = Math.max(Date.now(), slot ? slot.start : this.toUtc(this.range()[0], "00:00"));
    p.set("after", new Date(after).toISOString());
    p.set("duration", String(Math.round(this.duration() / 60000)));
    fetch(this.root.getAttribute("data-next-url") + "?" + p.toString(), {
      headers: { Accept: "application/json" }, credentials: "same-origin"
    }).then(function (r) { return r.json().then(function (b) { return { ok: r.ok, body: b }; }); })
      .then(function (res) {
        if (!res.ok) { return self.error(res.body.error || self.texts.loadFailed); }
        if (res.body.slot) { self.setSlot(Date.parse(res.body.slot.start), false); }
        setTimeout(function () { self.say(res.body.message + (res.body.slot
          ? " " + res.body.slot.date + " " + res.body.slot.start_time + "–" + res.body.slot.end_time : "")); }, 600);
      });
  };

  /* --- events -------------------------------------------------------------------------------- */
  Picker.prototype.bind = function () {
    var self = this;
    this.root.querySelectorAll("[data-view]").forEach(function (b) {
      b.addEventListener("click", function () {
        self.view = b.getAttribute("data-view");
        self.root.querySelectorAll("[data-view]").forEach(function (o) {
          o.setAttribute("aria-pressed", String(o === b));
        });
        self.schedule(0);
      });
    });
    this.root.querySelectorAll("[data-nav]").forEach(function (b) {
      b.addEventListener("click", function () {
        var step = Number(b.getAttribute("data-nav")) * (self.view === "week" ? 7 : 1);
        self.anchor = self.addDays(self.anchor, step);
        self.schedule(0);
      });
    });
    this.q("[data-full-day]").addEventListener("change", function (e) {
      self.fullDay = e.target.checked; if (self.data) { self.render(); }
    });
    this.q("[data-find-next]").addEventListener("click", function () { self.findNext(); });
    var timeline = this.q("[data-timeline]");
    timeline.addEventListener("click", function (e) {
      var seg = e.target.closest(".pk-day[data-start]");
      if (!seg) { return; }
      if (e.target.classList.contains("pk-block") && !e.target.classList.contains("pk-workingElsewhere")) {
        self.say(self.texts.busyHere); return;
      }
      var rect = seg.getBoundingClientRect(), s = Number(seg.getAttribute("data-start")),
          end = Number(seg.getAttribute("data-end"));
      var at = s + (e.clientX - rect.left) / rect.width * (end - s);
      self.setSlot(Math.floor(at / GRID) * GRID, true);
    });
    timeline.addEventListener("keydown", function (e) {
      var steps = { ArrowLeft: -GRID, ArrowRight: GRID, ArrowUp: -DAY, ArrowDown: DAY,
                    PageUp: -7 * DAY, PageDown: 7 * DAY };
      if (!(e.key in steps)) { return; }
      e.preventDefault();
      var slot = self.slot(), base = slot ? slot.start : self.toUtc(self.anchor, self.hours().from);
      var v = self.local(base);
      // Days move by wall clock (a DST night is 23 or 25 hours long).
      var next = Math.abs(steps[e.key]) >= DAY
        ? self.toUtc(self.addDays(v.date, steps[e.key] / DAY), v.time) : base + steps[e.key];
      self.setSlot(next, true);
    });
    this.q("[data-room-select]").addEventListener("change", function (e) {
      var o = e.target.selectedOptions[0];
      self.chooseRoom(o.value, o.value ? (o.getAttribute("data-name") || "") : "");
    });
    this.q("[data-rooms-refresh]").addEventListener("click", function () { self.refreshRooms(); });
    this.form.addEventListener("focusin", function (e) {
      var m = /^slot(\d)_/.exec(e.target.name || "");
      if (m && Number(m[1]) !== self.slotRow) { self.slotRow = Number(m[1]); self.schedule(); }
    });
    this.form.addEventListener("change", function (e) {
      var name = e.target.name || "";
      if (/^(date|start_time|end_time|recruiter|observers|room_email|room_name|kind|slot\d_)/.test(name)) {
        if (name === "date" || /_date$/.test(name)) { self.anchor = e.target.value || self.anchor; }
        self.schedule();
      }
    });
  };

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-picker]").forEach(function (root) {
      if (root.closest("form") && window.fetch && window.Intl) { root.picker = new Picker(root); }
    });
  });
})();
