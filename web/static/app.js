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
    var buttons = form.querySelectorAll("button[type=submit], button:not([type])");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].setAttribute("disabled", "");
      buttons[i].setAttribute("aria-busy", "true");
    }
  });
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
