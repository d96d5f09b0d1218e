// Small progressive enhancements. Every page works without this file.
(function () {
  "use strict";

  // <form data-autosubmit>: submit when a <select> inside changes (the submit button stays
  // for keyboard and no-JS users, but is hidden once JS runs).
  function enhance(root) {
    root.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
      if (form.dataset.enhanced) return;
      form.dataset.enhanced = "1";
      form.classList.add("is-autosubmit");
      form.querySelectorAll("select").forEach(function (select) {
        select.addEventListener("change", function () { form.requestSubmit(); });
      });
    });
  }

  // <form data-confirm="question">: ask before submitting destructive actions.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  }, true);

  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  document.addEventListener("htmx:load", function (event) { enhance(event.target); });
})();
