// Follows a queued or running job run: polls its progress JSON and updates the panel; once the
// run has ended, reloads the page once, which then shows the outcome and stops polling.
(function () {
  "use strict";
  var panel = document.querySelector("[data-progress-url]");
  if (!panel || panel.dataset.inProgress !== "true") {
    return;
  }
  var POLL_MS = 1500;
  var RETRY_MS = 5000;

  function field(name) {
    return panel.querySelector('[data-field="' + name + '"]');
  }

  function show(state) {
    field("status_label").textContent = state.status_label;
    field("bar").value = state.progress;
    field("percent").textContent = state.progress + "%";
    field("current_node").textContent = state.current_node || "none yet";
    field("note").textContent = state.status === "queued"
      ? "Waiting for the worker to pick the run up. This page follows the run until it ends."
      : "Running. This page follows the run until it ends.";
  }

  function poll() {
    fetch(panel.dataset.progressUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (state) {
        if (!state.in_progress) {
          window.location.reload();
          return;
        }
        show(state);
        window.setTimeout(poll, POLL_MS);
      })
      .catch(function () {
        field("note").textContent = "The server did not answer; trying again.";
        window.setTimeout(poll, RETRY_MS);
      });
  }

  window.setTimeout(poll, POLL_MS);
})();
