// Copy buttons: <button data-copy="#input-id" data-copied="Copied">; after copying, the button
// reads its data-copied text (translated by the template). Without JavaScript the field is
// selectable.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-copy]");
  if (!button) return;
  var input = document.querySelector(button.getAttribute("data-copy"));
  if (!input) return;
  input.select();
  var copied = button.getAttribute("data-copied");
  var done = function () { if (copied) button.textContent = copied; };
  if (navigator.clipboard) { navigator.clipboard.writeText(input.value).then(done, function () {}); }
  else if (document.execCommand("copy")) { done(); }
});
