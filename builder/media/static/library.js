// The media library page: upload several files (or drop them), rename and delete in place,
// copy an image's URL. Without this script the page's plain forms still work.
(function () {
  "use strict";
  var strings = document.getElementById("media-strings");
  if (!strings) return;
  var say = function (name) { return strings.getAttribute("data-" + name) || name; };

  function problemText(body) {
    if (body && body.errors && body.errors.length) {
      return body.errors.map(function (e) { return e.message; }).join("; ");
    }
    return (body && (body.detail || body.title)) || "Error";
  }

  function readJson(response) {
    return response.text().then(function (text) {
      try { return text ? JSON.parse(text) : {}; } catch (e) { return {}; }
    });
  }

  // --- upload ------------------------------------------------------------------------------
  var form = document.querySelector("[data-media-upload]");
  if (form) {
    var input = form.querySelector('input[type="file"]');
    var drop = form.querySelector("[data-media-drop]");
    var progress = form.querySelector("[data-media-progress]");

    var uploadOne = function (file) {
      var row = document.createElement("li");
      row.textContent = file.name + " — " + say("uploading");
      progress.appendChild(row);
      var data = new FormData();
      data.append("file", file, file.name);
      data.append("folder", form.elements.folder.value);
      data.append("alt_text", form.elements.alt_text.value);
      return window.mallkitFetch(form.action, { method: "POST", body: data })
        .then(function (response) {
          return readJson(response).then(function (body) {
            row.className = response.ok ? "ok" : "error";
            row.textContent = file.name + " — " + (response.ok ? say("done") : problemText(body));
            return response.ok;
          });
        })
        .catch(function (err) {
          row.className = "error";
          row.textContent = file.name + " — " + err;
          return false;
        });
    };

    var uploadAll = function (files) {
      if (!files.length) return;
      progress.innerHTML = "";
      var chain = Promise.resolve(true);
      var allOk = true;
      Array.prototype.forEach.call(files, function (file) {
        chain = chain.then(function () {
          return uploadOne(file).then(function (ok) { allOk = allOk && ok; });
        });
      });
      chain.then(function () { if (allOk) window.location.reload(); });
    };

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      uploadAll(input.files);
    });
    input.addEventListener("change", function () { uploadAll(input.files); });
    ["dragenter", "dragover"].forEach(function (name) {
      drop.addEventListener(name, function (event) {
        event.preventDefault();
        drop.classList.add("dragging");
      });
    });
    ["dragleave", "drop"].forEach(function (name) {
      drop.addEventListener(name, function () { drop.classList.remove("dragging"); });
    });
    drop.addEventListener("drop", function (event) {
      event.preventDefault();
      uploadAll(event.dataTransfer.files);
    });
  }

  // --- rename, delete, copy ----------------------------------------------------------------
  var grid = document.querySelector("[data-media-grid]");
  if (!grid) return;

  grid.addEventListener("click", function (event) {
    var item = event.target.closest("[data-asset-id]");
    if (!item) return;
    var endpoint = item.getAttribute("data-endpoint");
    if (event.target.closest("[data-media-rename]")) {
      var nameEl = item.querySelector(".media-name");
      var name = window.prompt(say("rename"), nameEl.textContent);
      if (name === null || name.trim() === "" || name === nameEl.textContent) return;
      window.mallkitFetch(endpoint, { method: "PATCH", body: { name: name } })
        .then(function (response) {
          return readJson(response).then(function (body) {
            if (!response.ok) { window.alert(problemText(body)); return; }
            nameEl.textContent = body.name;
            nameEl.title = body.name;
          });
        });
    } else if (event.target.closest("[data-media-copy]")) {
      var url = new URL(item.getAttribute("data-url"), window.location.href).href;
      if (navigator.clipboard) {
        navigator.clipboard.writeText(url).then(function () {
          event.target.textContent = say("copied");
        });
      } else {
        window.prompt("URL", url);
      }
    }
  });

  grid.addEventListener("submit", function (event) {
    var deleteForm = event.target.closest("[data-media-delete]");
    if (!deleteForm || event.defaultPrevented) return;
    event.preventDefault();
    event.stopPropagation();  // this handler asks for confirmation itself
    if (!window.confirm(deleteForm.getAttribute("data-confirm"))) return;
    var item = deleteForm.closest("[data-asset-id]");
    var endpoint = item.getAttribute("data-endpoint");
    var remove = function (force) {
      window.mallkitFetch(endpoint + (force ? "?force=1" : ""), { method: "DELETE" })
        .then(function (response) {
          if (response.status === 204) { item.remove(); return; }
          return readJson(response).then(function (body) {
            if (response.status === 409 && body.references) {
              var refs = body.references.map(function (r) { return r.label; }).join(", ");
              if (window.confirm(say("in-use").replace("%(refs)s", refs))) remove(true);
              return;
            }
            window.alert(problemText(body));
          });
        });
    };
    remove(false);
  });
})();
