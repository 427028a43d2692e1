// Vigie — progressive enhancement only: every page works without it.
// After a refused form, move the keyboard focus to the first invalid field.
document.addEventListener("DOMContentLoaded", function () {
  var bad = document.querySelector("[aria-invalid=true]");
  if (bad && typeof bad.focus === "function") { bad.focus(); }
});
