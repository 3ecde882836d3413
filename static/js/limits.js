// A text box with a limit (data-limit, see patto/core/widgets.py) says under itself how many
// characters it holds and, past the limit, by how many to shorten it. The browser's maxlength
// would instead cut a longer pasted text without a word; the server refuses it with the same
// words and gives it back whole. Line breaks count once, as the server counts them.
(function () {
  "use strict";

  // "always": Italian groups four-digit numbers too (3.000), as the help under the box writes
  var number = new Intl.NumberFormat(document.documentElement.lang || "it", { useGrouping: "always" });

  function said(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_match, name) {
      return number.format(values[name]);
    });
  }

  function counter(box) {
    var id = box.id + "-limite";
    var line = document.getElementById(id);
    if (!line) {
      line = document.createElement("p");
      line.id = id;
      line.className = "small mb-1 text-limit";
      box.after(line);
      var described = (box.getAttribute("aria-describedby") || "").split(" ");
      if (described.indexOf(id) < 0) {
        box.setAttribute("aria-describedby", described.concat(id).join(" ").trim());
      }
    }
    return line;
  }

  // said once when a box passes its limit, not at every key; in the page from the start (a
  // live region added and filled at once is not announced)
  var status = null;
  if (document.querySelector("textarea[data-limit], template")) {
    status = document.createElement("div");
    status.id = "limite-stato";
    status.className = "visually-hidden";
    status.setAttribute("aria-live", "polite");
    document.body.append(status);
  }

  function update(box) {
    var limit = parseInt(box.dataset.limit, 10);
    var count = Array.from(box.value).length; // characters, as the server counts them
    var over = count - limit;
    var line = counter(box);
    var values = { count: count, limit: limit, over: over };
    var message = said(over > 0 ? box.dataset.limitOver : box.dataset.limitCount, values);
    line.textContent = message;
    line.classList.toggle("text-danger", over > 0);
    line.classList.toggle("fw-semibold", over > 0);
    var wasOver = box.dataset.limitPassed === "1";
    if (over > 0 && !wasOver && status) {
      status.textContent = message;
    }
    box.dataset.limitPassed = over > 0 ? "1" : "";
    if (over > 0) {
      box.setAttribute("aria-invalid", "true");
    } else if (wasOver && !box.classList.contains("is-invalid")) {
      box.removeAttribute("aria-invalid"); // the server's error, if any, still stands
    }
  }

  document.addEventListener("input", function (event) {
    if (event.target.matches("textarea[data-limit]")) {
      update(event.target);
    }
  });
  document.querySelectorAll("textarea[data-limit]").forEach(function (box) {
    if (box.value) {
      update(box); // a text given back by the server, maybe too long
    }
  });
})();
