/* Message editor helpers that need a script: insert a {{variable}} at the caret of the last
   focused text field, and copy a JSON block. Everything else is htmx or plain forms. */
(function () {
  "use strict";
  var lastField = null;
  document.addEventListener("focusin", function (e) {
    var el = e.target;
    if (el.matches && el.matches("#msg-form textarea, #msg-form input[type=text]")) lastField = el;
  });
  document.addEventListener("click", function (e) {
    var chip = e.target.closest && e.target.closest(".var-chip");
    if (chip) {
      var field = lastField && document.body.contains(lastField) ? lastField : document.getElementById("f-text");
      if (!field) return;
      var token = "{{" + chip.getAttribute("data-var") + "}}";
      var start = field.selectionStart == null ? field.value.length : field.selectionStart;
      var end = field.selectionEnd == null ? start : field.selectionEnd;
      field.value = field.value.slice(0, start) + token + field.value.slice(end);
      field.focus();
      field.setSelectionRange(start + token.length, start + token.length);
      field.dispatchEvent(new Event("input", { bubbles: true }));
      return;
    }
    var copy = e.target.closest && e.target.closest("button.copy");
    if (copy && navigator.clipboard) {
      var source = document.querySelector(copy.getAttribute("data-copy"));
      navigator.clipboard.writeText(source ? source.textContent : "").then(function () {
        var done = copy.parentNode.querySelector(".copy-done");
        if (done) done.hidden = false;
      });
    }
  });
})();

/* A media picker swaps in a hidden field without input events: tell the live preview. */
document.addEventListener("htmx:afterSettle", function (e) {
  var form = document.getElementById("msg-form");
  var el = e.target;
  if (form && el && form.contains(el) && el.closest && el.closest(".media-picker")) {
    form.dispatchEvent(new Event("change", { bubbles: true }));
  }
});
