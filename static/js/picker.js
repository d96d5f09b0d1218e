// The recipient picker (templates/partials/recipient_picker.html) and "type a person"
// suggestions. Progressive enhancement: without this file the picker is a list of
// checkboxes or a plain multi-select, and its search and role buttons a GET form.
(function () {
  "use strict";

  function words(text) {
    return text.toLowerCase().split(/\s+/).filter(Boolean);
  }

  // A big group's <select multiple> becomes a list of checkboxes built here, so the page
  // carries one short <option> per person; the checkboxes take over the select's name.
  function listFromSelect(select) {
    var list = document.createElement("ul");
    list.className = "picker__list picker__list--scroll";
    list.setAttribute("data-picker-list", "");
    Array.prototype.forEach.call(select.options, function (option) {
      var item = document.createElement("li");
      item.dataset.s = option.dataset.s || "";
      var label = document.createElement("label");
      var box = document.createElement("input");
      box.type = "checkbox";
      box.name = select.name;
      box.value = option.value;
      box.checked = option.selected;
      label.appendChild(box);
      label.appendChild(document.createTextNode(" " + option.textContent));
      item.appendChild(label);
      list.appendChild(item);
    });
    select.replaceWith(list);
    return list;
  }

  function enhancePicker(picker) {
    if (picker.dataset.enhanced) return;
    picker.dataset.enhanced = "1";
    picker.classList.add("picker--live");
    var select = picker.querySelector("[data-picker-select]");
    var list = select ? listFromSelect(select) : picker.querySelector("[data-picker-list]");
    if (!list) return;
    picker.querySelectorAll("[data-picker-nojs], [data-picker-find]").forEach(function (el) {
      el.hidden = true;
    });
    var search = picker.querySelector("[data-picker-search]");
    var count = picker.querySelector("[data-picker-count]");
    var clear = picker.querySelector("[data-picker-clear]");
    var sets = picker.querySelectorAll("button[data-ids]");
    var boxes = function () { return list.querySelectorAll("input[type=checkbox]"); };
    var byId = {};
    boxes().forEach(function (box) {
      byId[box.value] = box;
      box.closest("li").dataset.text = (box.parentNode.textContent + " " +
        (box.closest("li").dataset.s || "")).toLowerCase();
    });

    function refresh() {
      var ticked = 0;
      boxes().forEach(function (box) { if (box.checked) ticked += 1; });
      if (count) count.textContent = String(ticked);
      if (clear) clear.hidden = ticked === 0;
      sets.forEach(function (button) {
        var ids = button.dataset.ids.split(" ");
        var all = ids.every(function (id) { return byId[id] && byId[id].checked; });
        button.setAttribute("aria-pressed", all ? "true" : "false");
      });
    }

    function filter() {
      var wanted = words(search ? search.value : "");
      var shown = 0;
      list.querySelectorAll("li[data-text]").forEach(function (item) {
        var match = wanted.every(function (word) { return item.dataset.text.indexOf(word) !== -1; });
        item.hidden = !match;
        if (match) shown += 1;
      });
      var none = list.querySelector("[data-picker-none]");
      if (!shown && !none) {
        none = document.createElement("li");
        none.className = "muted";
        none.setAttribute("data-picker-none", "");
        none.textContent = "Nobody matches: try part of a name, an email or a role.";
        list.appendChild(none);
      }
      if (none) none.hidden = shown > 0;
    }

    sets.forEach(function (button) {
      button.addEventListener("click", function (event) {
        event.preventDefault(); // with JS the role and faction buttons tick, never navigate
        var ids = button.dataset.ids.split(" ");
        var tick = button.getAttribute("aria-pressed") !== "true";
        ids.forEach(function (id) { if (byId[id]) byId[id].checked = tick; });
        refresh();
      });
    });
    if (search) {
      search.addEventListener("input", filter);
      search.addEventListener("keydown", function (event) {
        if (event.key === "Enter") event.preventDefault(); // filtering is live: stay here
      });
      if (search.value) filter();
    }
    if (clear) {
      clear.addEventListener("click", function () {
        boxes().forEach(function (box) { box.checked = false; });
        refresh();
        if (search) search.focus();
      });
    }
    list.addEventListener("change", refresh);
    refresh();
  }

  // <input list=... data-people-search=URL>: suggestions from the group's people search,
  // at most 20 at a time, so a group of 500 does not put 500 <option>s in the page.
  function enhanceTyped(input) {
    if (input.dataset.enhanced || !input.dataset.peopleSearch) return;
    input.dataset.enhanced = "1";
    var timer = null;
    var asked = null;
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        var query = input.value.trim();
        if (query === asked) return;
        asked = query;
        var url = input.dataset.peopleSearch + "?q=" + encodeURIComponent(query);
        fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
          .then(function (response) { return response.ok ? response.json() : {people: []}; })
          .then(function (found) {
            var list = document.getElementById(input.getAttribute("list"));
            if (!list || input.value.trim() !== query) return;
            list.replaceChildren.apply(list, found.people.map(function (person) {
              var option = document.createElement("option");
              option.value = person.value;
              option.label = person.label;
              option.textContent = person.label;
              return option;
            }));
          })
          .catch(function () { /* suggestions are a help; typing an email still works */ });
      }, 150);
    });
  }

  function enhance(root) {
    root.querySelectorAll("[data-picker]").forEach(enhancePicker);
    root.querySelectorAll("input[data-people-search]").forEach(enhanceTyped);
  }

  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  document.addEventListener("htmx:load", function (event) { enhance(event.target); });
})();
