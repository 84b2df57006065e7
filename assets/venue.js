// The venue's page: the copy button of a new event's organiser secret.
// Without JavaScript the secret is a read-only field to select and copy;
// this only adds the button. It decides nothing.
"use strict";
(function () {
  var button = document.getElementById("copy-secret");
  if (!button) return;
  var field = document.getElementById(button.getAttribute("data-copy"));
  var label = button.textContent;
  button.hidden = false;
  button.addEventListener("click", function () {
    field.select();
    var done = function () {
      button.textContent = button.getAttribute("data-done");
      setTimeout(function () { button.textContent = label; }, 2000);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, function () {
        document.execCommand("copy");
        done();
      });
    } else {
      document.execCommand("copy");
      done();
    }
  });
})();
