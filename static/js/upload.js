/*
 * The upload page's drop zone: several files, a progress bar each, then the outcome and the
 * document's processing status until it is ready or failed.
 *
 * Progressive enhancement of the plain form (form[data-upload-form]), which posts as it always
 * did, with or without this script. The zone is an addition: files dropped on it, or chosen
 * with its own button (for the keyboard), go at once, one request per file, to the form's URL
 * with "Accept: application/json" and the form's other fields, so each gets its own
 * XMLHttpRequest upload progress. The texts
 * come from the zone's data-label-* attributes, so they are translated with the page; the
 * server's own (Dutch) message is shown for a refusal. No inline script or style: the CSP
 * forbids both.
 */
(function () {
  "use strict";

  var FIRST_POLL_MS = 1000;
  var MAX_POLL_MS = 15000;
  var MAX_POLL_ERRORS = 3;
  var FINAL = { ready: true, failed: true };

  var form = document.querySelector("form[data-upload-form]");
  if (!form || !window.FormData || !window.XMLHttpRequest || !window.fetch) {
    return;
  }
  var zone = form.querySelector("[data-upload-zone]");
  var results = form.querySelector("[data-upload-results]");
  var list = form.querySelector("[data-upload-cards]");
  var announcer = form.querySelector("[data-upload-announce]");
  var chooseButton = form.querySelector("[data-upload-choose]");
  var chooser = form.querySelector("[data-upload-chooser]");
  if (!zone || !results || !list || !announcer || !chooseButton || !chooser) {
    return;
  }
  var csrfField = form.querySelector("input[name='csrf_token']");

  function label(name) {
    return zone.getAttribute("data-label-" + name) || "";
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  function link(href, text) {
    var anchor = element("a", "utrecht-link", text);
    anchor.href = href;
    return anchor;
  }

  function announce(text) {
    // Appended, not replaced: a polite live region reads each addition, so no outcome of a
    // batch is lost when several arrive at once.
    announcer.appendChild(element("span", "", text + (/[.!?]$/.test(text) ? " " : ". ")));
  }

  function makeCard(file) {
    var card = element("li", "kn-upload-card");
    card.setAttribute("data-outcome", "uploading");
    card.appendChild(element("p", "kn-upload-card__name", file.name));
    var bar = element("progress", "kn-upload-card__progress");
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute("aria-label", label("progress") + ": " + file.name);
    card.appendChild(bar);
    card.appendChild(element("p", "kn-upload-card__outcome", label("uploading") + "…"));
    list.appendChild(card);
    return card;
  }

  function setOutcome(card, outcome, parts) {
    card.setAttribute("data-outcome", outcome);
    var line = card.querySelector(".kn-upload-card__outcome");
    line.replaceChildren.apply(line, parts);
    card.querySelector("progress").value = 100;
  }

  function showStatus(card, body) {
    card.setAttribute("data-status", body.status);
    var badge = card.querySelector(".kn-upload-card__status");
    badge.className = "kn-upload-card__status kn-badge kn-badge--" + body.status;
    badge.textContent = label("status") + ": " + body.label;
  }

  function follow(card, statusUrl, title) {
    var delay = FIRST_POLL_MS;
    var errors = 0;

    function poll() {
      fetch(statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(String(response.status));
          }
          return response.json();
        })
        .then(function (body) {
          errors = 0;
          showStatus(card, body);
          if (FINAL[body.status]) {
            announce(title + ": " + body.label);
            return;
          }
          delay = Math.min(delay * 1.5, MAX_POLL_MS);
          window.setTimeout(poll, delay);
        })
        .catch(function () {
          errors += 1;
          if (errors < MAX_POLL_ERRORS) {
            delay = Math.min(delay * 2, MAX_POLL_MS);
            window.setTimeout(poll, delay);
          }
        });
    }

    window.setTimeout(poll, delay);
  }

  function stored(card, body) {
    var badge = element("span", "kn-upload-card__status");
    setOutcome(card, "stored", [
      document.createTextNode(label("stored") + ": "),
      link(body.url, body.title),
      document.createTextNode(" "),
      badge,
    ]);
    showStatus(card, body);
    announce(body.title + ": " + label("stored").toLowerCase() + ", " + body.label);
    if (!FINAL[body.status]) {
      follow(card, body.status_url, body.title);
    }
  }

  function parse(xhr) {
    try {
      return JSON.parse(xhr.responseText);
    } catch (ignored) {
      return null;
    }
  }

  function send(file, card, several) {
    return new Promise(function (resolve) {
      var data = new FormData(form);
      data.delete("files");
      data.append("files", file, file.name);
      if (several) {
        // One typed title cannot name several documents; each takes its own (as without JS).
        data.set("title", "");
      }
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("Accept", "application/json");
      if (csrfField) {
        xhr.setRequestHeader("X-CSRFToken", csrfField.value);
      }
      xhr.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable) {
          card.querySelector("progress").value = Math.round((100 * event.loaded) / event.total);
        }
      });
      xhr.addEventListener("load", function () {
        var body = parse(xhr);
        var error = (body && body.error) || {};
        if (xhr.status === 201 && body) {
          stored(card, body);
          resolve();
        } else if (error.code === "duplicate" && body.duplicate_of) {
          setOutcome(card, "duplicate", [
            document.createTextNode(label("duplicate") + ": "),
            link(body.duplicate_of, label("duplicate-link")),
          ]);
          announce(file.name + ": " + label("duplicate"));
          resolve();
        } else {
          var message = error.message || label("failed-request");
          setOutcome(card, "refused", [document.createTextNode(label("refused") + ": " + message)]);
          announce(file.name + ": " + label("refused") + ". " + message);
          resolve();
        }
      });
      xhr.addEventListener("error", function () {
        setOutcome(card, "refused", [document.createTextNode(label("failed-request"))]);
        announce(file.name + ": " + label("failed-request"));
        resolve();
      });
      xhr.send(data);
    });
  }

  function uploadAll(files) {
    if (!files.length) {
      return;
    }
    results.hidden = false;
    var several = files.length > 1;
    var cards = files.map(makeCard);
    // One file after the other: on a slow line each bar then moves at full speed.
    files.reduce(function (chain, file, i) {
      return chain.then(function () {
        return send(file, cards[i], several);
      });
    }, Promise.resolve());
  }

  zone.hidden = false;
  ["dragenter", "dragover"].forEach(function (type) {
    zone.addEventListener(type, function (event) {
      event.preventDefault();
      zone.classList.add("kn-dropzone--over");
    });
  });
  zone.addEventListener("dragleave", function () {
    zone.classList.remove("kn-dropzone--over");
  });
  zone.addEventListener("drop", function (event) {
    event.preventDefault();
    zone.classList.remove("kn-dropzone--over");
    uploadAll(Array.prototype.slice.call(event.dataTransfer.files));
  });
  chooser.addEventListener("change", function () {
    uploadAll(Array.prototype.slice.call(chooser.files));
    chooser.value = "";
  });
  chooseButton.addEventListener("click", function () {
    chooser.click();
  });
})();
