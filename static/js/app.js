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

  // <button data-copy="input-id" hidden>: copies that input's text (a share link). Shown
  // only where JS runs; without it the read-only field is still there to select.
  function enhanceCopy(root) {
    root.querySelectorAll("button[data-copy]").forEach(function (button) {
      var input = document.getElementById(button.dataset.copy);
      var status = root.querySelector('[data-copy-status="' + button.dataset.copy + '"]');
      if (!input || button.dataset.enhanced) return;
      button.dataset.enhanced = "1";
      button.hidden = false;
      button.addEventListener("click", function () {
        var done = function () {
          button.textContent = "Copied";
          if (status) status.textContent = "Link copied to the clipboard.";
          window.setTimeout(function () { button.textContent = "Copy link"; }, 3000);
        };
        input.select();
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(input.value).then(done, function () {
            if (document.execCommand("copy")) done();
          });
        } else if (document.execCommand("copy")) {
          done();
        }
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

  // Messages swapped in by htmx float at the bottom of the screen; they fade after a while
  // (the same text stays readable by screen readers through the live region meanwhile).
  document.addEventListener("htmx:afterSettle", function () {
    var toast = document.querySelector(".messages--toast");
    if (!toast || !toast.children.length) return;
    window.clearTimeout(toast._timer);
    toast._timer = window.setTimeout(function () { toast.replaceChildren(); }, 8000);
  });

  // <form id=... data-refocus> sent by htmx: the swap replaces it, so focus goes back to
  // the new form's first field needing attention (the first error, else the first field),
  // ready for the next entry, instead of falling to the top of the page.
  var refocus = null;
  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt;
    refocus = elt && elt.id && elt.hasAttribute("data-refocus") ? elt.id : null;
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (!refocus) return;
    var form = document.getElementById(refocus);
    refocus = null;
    if (!form) return;
    var field = form.querySelector("[aria-invalid=true]") ||
      form.querySelector("input:not([type=hidden]), select, textarea");
    if (field) field.focus({preventScroll: false});
  });

  document.addEventListener("DOMContentLoaded", function () { enhance(document); enhanceCopy(document); });
  document.addEventListener("htmx:load", function (event) { enhance(event.target); enhanceCopy(event.target); });
})();
