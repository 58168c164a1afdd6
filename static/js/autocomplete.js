/*
 * Suggestions while typing in a search box marked data-autocomplete="<url of the JSON API>".
 *
 * Progressive enhancement: without this script the box is a plain search box. The suggestions
 * go into a native <datalist>, so the browser draws the list and makes it keyboard- and
 * screen-reader-accessible by itself; no inline script or style, as the CSP requires.
 */
(function () {
  "use strict";

  var DELAY_MS = 150;
  var MIN_CHARS = 2;
  var KIND_LABELS = { title: "document", theme: "thema", term: "zoekwoord" };

  function enhance(input) {
    var url = input.getAttribute("data-autocomplete");
    if (!url || !input.id || !window.fetch || !window.AbortController) {
      return;
    }
    var list = document.createElement("datalist");
    list.id = input.id + "-suggesties";
    input.insertAdjacentElement("afterend", list);
    input.setAttribute("list", list.id);

    var timer = null;
    var pending = null;
    var asked = input.value.trim();

    function show(suggestions) {
      var options = suggestions.map(function (item) {
        var option = document.createElement("option");
        option.value = item.text;
        option.label = KIND_LABELS[item.kind] || "";
        return option;
      });
      list.replaceChildren.apply(list, options);
    }

    function update() {
      var text = input.value.trim();
      if (text === asked) {
        return;
      }
      asked = text;
      if (pending) {
        pending.abort();
        pending = null;
      }
      if (text.length < MIN_CHARS) {
        show([]);
        return;
      }
      pending = new AbortController();
      fetch(url + "?q=" + encodeURIComponent(text), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
        signal: pending.signal,
      })
        .then(function (response) {
          return response.ok ? response.json() : { suggestions: [] };
        })
        .then(function (answer) {
          show(Array.isArray(answer.suggestions) ? answer.suggestions : []);
        })
        .catch(function () {
          /* Aborted or offline: the box keeps working without suggestions. */
        });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(update, DELAY_MS);
    });
  }

  document.querySelectorAll("input[data-autocomplete]").forEach(enhance);
})();
