// The spokesperson's review page (templates/portavoce/review.html) and its confirmation step,
// made quicker with JavaScript; without it everything works the same through the server.
// - «Scrivi un'osservazione» opens the item's box in place, instead of sending the form and
//   coming back with it open;
// - empty boxes are not sent (the server ignores them anyway);
// - leaving the page with something typed and not sent asks first;
// - a second click on a button of the confirmation step does not send it twice.
(function () {
  "use strict";

  var review = document.getElementById("review-form");
  var pattern = document.getElementById("remark-template");
  var typing = false;
  var sending = false;

  function openBox(button) {
    var parts = button.value.split(":"); // write:<kind>:<key>
    var kind = parts[1];
    var key = parts[2];
    var name = "remark-" + kind + "-" + key;
    var box = pattern.content.firstElementChild.cloneNode(true);
    box.id = "osservazione-" + kind + "-" + key;
    var label = box.querySelector("label");
    label.htmlFor = name;
    label.textContent = label.textContent.replace("CODE", button.dataset.code);
    var area = box.querySelector("textarea");
    area.id = name;
    area.name = name;
    area.setAttribute("aria-describedby", name + "-help");
    box.querySelector("[id$='-help']").id = name + "-help";
    box.querySelector("button").setAttribute("formaction", "#" + box.id);
    button.closest(".remark-slot").replaceWith(box);
    area.focus();
  }

  if (review && pattern) {
    review.addEventListener("click", function (event) {
      var button = event.target.closest("button[name='step']");
      if (button && button.value.indexOf("write:") === 0) {
        event.preventDefault();
        openBox(button);
      }
    });
    review.addEventListener("input", function () {
      typing = true;
    });
    review.addEventListener("submit", function () {
      sending = true;
      review.querySelectorAll("textarea[name^='remark-']").forEach(function (area) {
        if (!area.value.trim()) {
          area.disabled = true;
        }
      });
    });
    window.addEventListener("beforeunload", function (event) {
      if (typing && !sending) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
  }

  var confirmation = document.getElementById("confirm-form");
  if (confirmation) {
    confirmation.addEventListener("submit", function (event) {
      if (confirmation.dataset.sent) {
        event.preventDefault();
      }
      confirmation.dataset.sent = "1";
    });
  }

  // back to this page from the browser's history: it can be sent again
  window.addEventListener("pageshow", function () {
    sending = false;
    if (review) {
      review.querySelectorAll("textarea[disabled]").forEach(function (area) {
        area.disabled = false;
      });
    }
    if (confirmation) {
      delete confirmation.dataset.sent;
    }
  });
})();
