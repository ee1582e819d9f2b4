/* Import progress and export status: poll the JSON endpoints and update the page in place.
   An import page ([data-import]) polls its progress URL until the run is done or failed;
   the exports page reloads once an export it shows as queued or running has finished. */
(function () {
  "use strict";
  var POLL_MS = 1000;

  function getJson(url) {
    return window.mallkitFetch(url, { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; });
  }

  function watchImport(card) {
    var strings = JSON.parse(document.getElementById("import-strings").textContent);
    var url = card.getAttribute("data-progress-url");
    var bar = card.querySelector(".progress-bar");
    var meter = card.querySelector(".progress");
    function field(name) { return card.querySelector('[data-field="' + name + '"]'); }
    function show(data) {
      var percent = Math.round(data.progress * 100);
      bar.style.width = percent + "%";
      meter.setAttribute("aria-valuenow", String(percent));
      field("status_label").textContent = strings[data.status] || data.status;
      field("counts").textContent = strings.counts.replace("{done}", data.processed_products)
        .replace("{total}", data.total_products);
      ["created", "updated", "unchanged", "failed", "failed_rows"].forEach(function (name) {
        field(name).textContent = String(data[name]);
      });
      field("error").hidden = !data.error;
      field("error").textContent = data.error || "";
      field("report").hidden = !data.report_url;
      card.setAttribute("data-status", data.status);
    }
    function tick() {
      getJson(url).then(function (data) {
        if (!data) { return; }
        show(data);
        if (data.status === "queued" || data.status === "running") {
          window.setTimeout(tick, POLL_MS);
        }
      }).catch(function () { window.setTimeout(tick, POLL_MS * 3); });
    }
    var status = card.getAttribute("data-status");
    if (status === "queued" || status === "running") { tick(); }
  }

  function watchExports(rows) {
    var pending = rows.filter(function (row) {
      var status = row.getAttribute("data-status");
      return status === "queued" || status === "running";
    });
    if (!pending.length) { return; }
    function tick() {
      Promise.all(pending.map(function (row) { return getJson(row.getAttribute("data-url")); }))
        .then(function (items) {
          var finished = items.some(function (item) {
            return item && item.status !== "queued" && item.status !== "running";
          });
          if (finished) { window.location.reload(); } else { window.setTimeout(tick, POLL_MS * 2); }
        }).catch(function () { window.setTimeout(tick, POLL_MS * 5); });
    }
    window.setTimeout(tick, POLL_MS);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var card = document.querySelector("[data-import]");
    if (card) { watchImport(card); }
    watchExports(Array.prototype.slice.call(document.querySelectorAll("[data-export]")));
  });
})();
