/* SMS and video SMS template editors: "插入变量", "插入短链", "插入 CH5 链接" and "生成CH5" put
 * their piece at the cursor instead of at the end.
 *
 * Progressive enhancement: a form marked data-caret-form has two hidden inputs, caret_field
 * and caret_at. This script keeps them at the last text field the author was in
 * (textarea[data-caret-target]) and its cursor, counted in code points as the server counts
 * (an emoji is one, a line break is one). The server inserts there; without this script they
 * stay empty and the server appends at the end. After an insertion the server marks the field
 * with data-caret (code points just after the piece) and the cursor is put back there.
 * The live counter is the server's: the re-rendered page shows the new count, and the
 * textarea's own htmx trigger keeps counting as the author types on.
 */
(function () {
  "use strict";

  function codePoints(text) {
    return Array.from(text).length;
  }

  /* The UTF-16 index of code point `count` in `text` (what setSelectionRange wants). */
  function utf16Index(text, count) {
    var index = 0;
    for (var seen = 0; seen < count && index < text.length; seen++) {
      var unit = text.charCodeAt(index);
      index += unit >= 0xd800 && unit <= 0xdbff && index + 1 < text.length ? 2 : 1;
    }
    return index;
  }

  function remember(form, field) {
    form.querySelector("input[name=caret_field]").value = field.name;
    form.querySelector("input[name=caret_at]").value =
      String(codePoints(field.value.slice(0, field.selectionStart)));
  }

  function enhance(form) {
    if (!form.querySelector("input[name=caret_field]")) {
      return;
    }
    form.querySelectorAll("textarea[data-caret-target]").forEach(function (field) {
      ["focus", "click", "keyup", "input", "select", "blur"].forEach(function (type) {
        field.addEventListener(type, function () { remember(form, field); });
      });
      var at = field.getAttribute("data-caret");
      if (at !== null && at !== "") {
        var index = utf16Index(field.value, parseInt(at, 10) || 0);
        field.focus();
        field.setSelectionRange(index, index);
        remember(form, field);
      }
    });
  }

  document.querySelectorAll("form[data-caret-form]").forEach(enhance);
})();
