/*
 * Type-specific fields follow the chosen document type.
 *
 * Progressive enhancement: without this script every type's group of fields stays visible
 * (the server only keeps the chosen type's values). With it, the other types' groups get the
 * hidden attribute, so screen readers and the Tab key skip them too, and they are disabled so
 * they are not sent.
 */
(function () {
  "use strict";

  function enhance(form) {
    var select = form.querySelector("select[name='type']");
    var groups = form.querySelectorAll("fieldset.kn-type-fields[data-type]");
    if (!select || !groups.length) {
      return;
    }

    function update() {
      groups.forEach(function (group) {
        var chosen = group.getAttribute("data-type") === select.value;
        group.hidden = !chosen;
        group.disabled = !chosen;
      });
    }

    select.addEventListener("change", update);
    update();
  }

  document.querySelectorAll("form").forEach(enhance);
})();
