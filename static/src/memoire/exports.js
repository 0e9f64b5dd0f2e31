// The mémoire's exports panel (templates/memoire/_exports.html): while a job is queued or
// running, ask the API every second how far it is, move its progress bar, then show the
// download link, the size and the SHA-256, or the sentence that says why it failed.
(function () {
  "use strict";
  const panel = document.querySelector(".exports-panel");
  if (!panel) return;
  const labels = panel.dataset;
  const statusLabel = {
    queued: labels.labelQueued, running: labels.labelRunning,
    done: labels.labelDone, failed: labels.labelFailed,
  };

  function size(bytes) {
    if (bytes < 1024) return bytes + " o";
    if (bytes < 1024 * 1024) return Math.round(bytes / 1024) + " Ko";
    return (bytes / 1024 / 1024).toFixed(1).replace(".", ",") + " Mo";
  }

  function localPath(url) {
    try { return new URL(url, window.location.href).pathname; } catch (e) { return url; }
  }

  function show(item, job) {
    item.dataset.status = job.status;
    const status = item.querySelector("[data-export-status]");
    if (status) status.textContent = statusLabel[job.status] || job.status;
    const bar = item.querySelector("[data-export-progress]");
    if (bar) { bar.value = job.progress; bar.textContent = job.progress + " %"; }
    if (job.status !== "done" && job.status !== "failed") return false;
    if (bar) bar.remove();
    const result = item.querySelector("[data-export-result]");
    result.textContent = "";
    if (job.status === "done") {
      const link = document.createElement("a");
      link.href = localPath(job.download_url);
      link.setAttribute("download", "");
      link.textContent = labels.labelDownload;
      result.append(link, " (" + size(job.size_bytes) + ")", document.createElement("br"));
      const sha = document.createElement("span");
      sha.className = "export-sha";
      const code = document.createElement("code");
      code.textContent = job.sha256;
      sha.append("SHA-256 : ", code);
      result.append(sha);
    } else {
      result.textContent = job.error_message || "";
    }
    result.setAttribute("role", "status");
    return true;
  }

  function follow(item) {
    const url = item.dataset.pollUrl;
    let failures = 0;
    const tick = function () {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.json();
        })
        .then(function (job) {
          failures = 0;
          if (!show(item, job)) window.setTimeout(tick, 1000);
        })
        .catch(function () {
          failures += 1;
          if (failures < 30) window.setTimeout(tick, 2000);
        });
    };
    window.setTimeout(tick, 500);
  }

  panel.querySelectorAll("[data-export-job]").forEach(function (item) {
    if (item.dataset.status === "queued" || item.dataset.status === "running") follow(item);
  });
})();
