// The staff area (templates/redazione/base.html), made quicker with JavaScript; without it
// every page works the same through the server.
// - After a move with htmx (move_buttons.html) the list is replaced: the focus goes back to the
//   moved item's button of the same direction, or to its other one when that is now disabled
//   (the item reached the top or the bottom), so a keyboard user can keep moving it.
// - An action area of a large draft opened with htmx: the focus goes to its list of actions.
// - Long lists of choices (<select multiple data-picker>) become searchable pickers
//   (Tom Select, static/vendor/tom-select/): type to filter, arrows and Enter to choose (only an
//   entry that says what was typed, however fast), Backspace to remove the last choice. Without
//   JavaScript the plain list stays.
// - A form marked data-once (a confirmation) is sent once: a second click does nothing.
// - The side menu opens and closes with its button on narrow screens (base.html); without
//   JavaScript it is always open.
(function () {
  "use strict";

  function focusMoved() {
    var candidates = document.querySelectorAll(
      "form[data-moved='1'] button, form[data-moved='2'] button"
    );
    var ordered = Array.prototype.slice.call(candidates).sort(function (a, b) {
      return a.form.dataset.moved.localeCompare(b.form.dataset.moved);
    });
    var focused = false;
    for (var i = 0; i < ordered.length; i++) {
      if (!focused && !ordered[i].disabled) {
        ordered[i].focus();
        focused = true;
      }
      // once used, the marks go: a later move in another list must not find them
      ordered[i].form.removeAttribute("data-moved");
    }
  }

  document.body.addEventListener("htmx:afterSettle", focusMoved);

  // An area's actions opened with htmx (templates/redazione/matrice/includes/draft_area.html):
  // the link that opened them is gone, the focus goes to the list instead.
  function focusLoaded() {
    var list = document.querySelector("[data-focus-after-load]");
    if (list) {
      list.removeAttribute("data-focus-after-load");
      list.focus();
    }
  }

  document.body.addEventListener("htmx:afterSettle", focusLoaded);

  function enhance(select) {
    if (typeof window.TomSelect !== "function" || select.tomselect) {
      return;
    }
    var hint = document.getElementById(select.id + "_pickerhint");
    if (hint) {
      hint.hidden = true; // "hold Ctrl to choose more than one" is for the plain list only
    }
    var picker = new window.TomSelect(select, {
      plugins: { remove_button: { title: select.dataset.removeLabel || "" } },
      hidePlaceholder: false,
      placeholder: select.dataset.placeholder || "",
      maxOptions: null,
      closeAfterSelect: false,
      selectOnTab: false,
      render: {
        no_results: function () {
          var div = document.createElement("div");
          div.className = "no-results";
          div.textContent = select.dataset.noResults || "";
          return div;
        },
      },
    });
    // Enter picks only an entry that says what was typed. Tom Select narrows the list a moment
    // after the typing stops (refreshThrottle): an Enter pressed sooner picked the entry
    // highlighted in the list as it was before, the first of the whole list, even when nothing
    // matched. Before Tom Select reads the Enter (this listener is on its wrapper, in the
    // capture phase), the list is narrowed to what is typed now: Enter then picks its first
    // entry, or nothing when no entry matches.
    picker.wrapper.addEventListener(
      "keydown",
      function (event) {
        if (event.key !== "Enter" || event.isComposing || event.target !== picker.control_input) {
          return;
        }
        var typed = picker.inputValue();
        if (typed && typed !== picker.lastQuery) {
          picker.refreshOptions(true);
        }
      },
      true
    );
    // Tom Select points the label at its search box; the help and the errors describe it too
    var input = picker.control_input;
    // the plain list stays in the page (hidden, for the form): it keeps its name from the label
    var label = document.querySelector("label[for='" + input.id + "']");
    if (label && label.id) {
      select.setAttribute("aria-labelledby", label.id);
    }
    var described = select.getAttribute("aria-describedby");
    if (described) {
      input.setAttribute("aria-describedby", described);
    }
    if (select.getAttribute("aria-invalid")) {
      input.setAttribute("aria-invalid", select.getAttribute("aria-invalid"));
    }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-once")) {
      return;
    }
    if (form.dataset.sent) {
      event.preventDefault();
      return;
    }
    form.dataset.sent = "true";
  });

  var toggle = document.querySelector(".staff-menu-toggle");
  var menu = document.getElementById("staff-menu");
  if (toggle && menu) {
    var setOpen = function (open) {
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      menu.classList.toggle("staff-menu-closed", !open);
    };
    toggle.hidden = false;
    setOpen(false);
    toggle.addEventListener("click", function () {
      setOpen(toggle.getAttribute("aria-expanded") !== "true");
    });
  }

  // A new area or action: the code proposed follows the parent chosen, as long as the person
  // has not typed a code of their own (ProposingSelect in matrice/forms.py).
  var code = document.querySelector("input[name=code][data-proposed]");
  var parent = code && code.form.querySelector("select option[data-next-code]");
  if (parent) {
    parent.parentElement.addEventListener("change", function (event) {
      var option = event.target.selectedOptions[0];
      var next = option && option.dataset.nextCode;
      var proposed = code.dataset.proposed;
      if (!next || code.value.trim() !== proposed) {
        return;
      }
      code.value = next;
      code.dataset.proposed = next;
      var help = document.getElementById(code.id + "_helptext");
      if (help && proposed && help.textContent.indexOf(proposed) !== -1) {
        help.textContent = help.textContent.replace(proposed, next);
      }
    });
  }

  var pickers = document.querySelectorAll("select[multiple][data-picker]");
  for (var i = 0; i < pickers.length; i++) {
    enhance(pickers[i]);
  }
})();
