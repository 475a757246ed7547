// Copy buttons: <button data-copy="#input-id">. Without JavaScript the field is selectable.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-copy]");
  if (!button) return;
  var input = document.querySelector(button.getAttribute("data-copy"));
  if (!input) return;
  input.select();
  var done = function () { button.textContent = "已复制"; };
  if (navigator.clipboard) { navigator.clipboard.writeText(input.value).then(done, function () {}); }
  else if (document.execCommand("copy")) { done(); }
});
