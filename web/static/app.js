// Lapak's own small script. Pages work without it; it only smooths the edges.
(function () {
  "use strict";
  // Ask before destructive actions: <form data-confirm="Yakin?">.
  document.addEventListener("submit", function (e) {
    var form = e.target;
    var msg = form.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) {
      e.preventDefault();
      return;
    }
    // Prevent a double click from sending the same form twice.
    if (form.dataset.sent === "1") {
      e.preventDefault();
      return;
    }
    form.dataset.sent = "1";
    // A disabled button is left out of the form's data, so the pressed
    // button's name=value (e.g. action=place) travels in a hidden field,
    // and the buttons are disabled only once the submission is under way.
    var by = e.submitter;
    if (by && by.name) {
      var keep = document.createElement("input");
      keep.type = "hidden";
      keep.name = by.name;
      keep.value = by.value;
      keep.setAttribute("data-submitter", "");
      form.appendChild(keep);
    }
    var buttons = form.querySelectorAll("button[type=submit], button:not([type])");
    setTimeout(function () {
      for (var i = 0; i < buttons.length; i++) {
        buttons[i].setAttribute("disabled", "");
        buttons[i].setAttribute("aria-busy", "true");
      }
    }, 0);
  });
  // Back to a page kept in the browser's cache: its forms can be sent again.
  window.addEventListener("pageshow", function (e) {
    if (!e.persisted) { return; }
    var sent = document.querySelectorAll("form[data-sent]");
    for (var i = 0; i < sent.length; i++) {
      delete sent[i].dataset.sent;
      var extra = sent[i].querySelectorAll("input[data-submitter]");
      for (var j = 0; j < extra.length; j++) { extra[j].remove(); }
      var buttons = sent[i].querySelectorAll("button[disabled]");
      for (var k = 0; k < buttons.length; k++) {
        buttons[k].removeAttribute("disabled");
        buttons[k].removeAttribute("aria-busy");
      }
    }
  });
  // Search as you type: a <form data-live="ID"> asks the same address for
  // only the results (header X-Lapak-Fragment) and swaps them into element
  // ID, keeping the address bar in step so that links and Back still work.
  var live = document.querySelector("form[data-live]");
  if (live && window.fetch && window.URLSearchParams && window.FormData) {
    var target = live.getAttribute("data-live"), timer = null, seq = 0;
    var status = document.getElementById(target + "-status");
    var address = function () {
      var out = new URLSearchParams();
      new FormData(live).forEach(function (v, k) { if (v !== "") out.append(k, v); });
      var qs = out.toString();
      return live.getAttribute("action") + (qs ? "?" + qs : "");
    };
    var refresh = function () {
      var url = address(), mine = ++seq;
      fetch(url, { headers: { "X-Lapak-Fragment": "results" }, credentials: "same-origin" }).then(function (res) {
        if (!res.ok) { throw new Error("status " + res.status); }
        return res.text();
      }).then(function (html) {
        var old = document.getElementById(target);
        if (mine !== seq || !old) { return; }
        var box = document.createElement("div");
        box.innerHTML = html;
        var fresh = box.querySelector("#" + target);
        if (!fresh) { return; }
        old.replaceWith(fresh);
        history.replaceState(null, "", url);
        var count = fresh.querySelector(".count");
        if (status && count) { status.textContent = count.textContent; }
      }).catch(function () { /* the form still works by submitting it */ });
    };
    live.addEventListener("input", function (e) {
      if (e.target.name !== "q") { return; }
      clearTimeout(timer);
      timer = setTimeout(refresh, 250);
    });
    live.addEventListener("change", function (e) {
      var n = e.target.name;
      if (n === "q" || n === "min" || n === "max") { return; }
      clearTimeout(timer);
      refresh();
    });
  }
  // Pages restored from the back-forward cache get their buttons back.
  window.addEventListener("pageshow", function () {
    var forms = document.querySelectorAll("form[data-sent]");
    for (var i = 0; i < forms.length; i++) {
      delete forms[i].dataset.sent;
      var b = forms[i].querySelectorAll("button[disabled]");
      for (var j = 0; j < b.length; j++) { b[j].removeAttribute("disabled"); b[j].removeAttribute("aria-busy"); }
    }
  });
})();
