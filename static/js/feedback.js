// The page-rating widget (templates/feedback/widget.html), and a refused rating sent again
// (templates/feedback/includes/again.html): once stars are chosen, the follow-up question that
// goes with them, the other one hidden and left out of the form.
document.querySelectorAll("form[data-positive-from]").forEach(function (form) {
  var positiveFrom = Number(form.dataset.positiveFrom);
  var positive = form.querySelector('[data-element="feedback-rating-positive"]');
  var negative = form.querySelector('[data-element="feedback-rating-negative"]');
  function show(fieldset, shown) {
    fieldset.hidden = !shown;
    fieldset.disabled = !shown;
    if (!shown) {
      fieldset.querySelectorAll("input").forEach(function (input) { input.checked = false; });
    }
  }
  form.addEventListener("change", function (event) {
    if (event.target.name !== "rating") return;
    var good = Number(event.target.value) >= positiveFrom;
    show(positive, good);
    show(negative, !good);
  });
});
