// Forms marked data-unsaved-warning: leaving the page after typing in one (without submitting
// it) asks the browser to confirm, so a draft is not lost by a click on a link.
(function () {
  let dirty = false;
  document.addEventListener("input", function (event) {
    if (event.target.form && event.target.form.hasAttribute("data-unsaved-warning")) dirty = true;
  });
  document.addEventListener("submit", function () { dirty = false; });
  window.addEventListener("beforeunload", function (event) {
    if (dirty) { event.preventDefault(); event.returnValue = ""; }
  });
})();
