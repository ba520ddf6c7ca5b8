// The operations page: polls the status JSON every two seconds and redraws the two tables. No dependencies.
(() => {
  "use strict";
  const statusUrl = document.body.dataset.status;
  const dashboard = document.body.dataset.dashboard;
  const previous = new Map(); // job id -> { done, at } from the last poll, for the live rate
  const $ = (id) => document.getElementById(id);

  if (dashboard) {
    $("dashboard-link").hidden = false;
  }

  const cell = (text, className) => {
    const td = document.createElement("td");
    td.textContent = text;
    if (className) td.className = className;
    return td;
  };

  const number = (value, digits = 0) =>
    value === null || value === undefined ? "–" : Number(value).toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

  const percent = (value) => (value === null || value === undefined ? "–" : (value * 100).toFixed(1) + " %");

  const bar = (job) => {
    const td = document.createElement("td");
    const outer = document.createElement("div");
    outer.className = "bar";
    outer.setAttribute("role", "progressbar");
    outer.setAttribute("aria-valuemin", "0");
    outer.setAttribute("aria-valuemax", String(job.total));
    outer.setAttribute("aria-valuenow", String(job.completed + job.failed));
    const done = document.createElement("span");
    done.style.width = (job.total ? (100 * job.completed) / job.total : 0).toFixed(2) + "%";
    const failed = document.createElement("span");
    failed.className = "failed";
    failed.style.width = (job.total ? (100 * job.failed) / job.total : 0).toFixed(2) + "%";
    outer.append(done, failed);
    td.append(outer);
    td.title = `${job.completed + job.failed} of ${job.total}`;
    return td;
  };

  const fill = (table, rows, columns) => {
    const body = table.tBodies[0];
    body.replaceChildren(...(rows.length ? rows : [(() => {
      const tr = document.createElement("tr");
      tr.append(cell("None", "empty"));
      tr.firstChild.colSpan = columns;
      return tr;
    })()]));
  };

  const liveRate = (job, now) => {
    const done = job.completed + job.failed;
    const last = previous.get(job.id);
    previous.set(job.id, { done, at: now });
    if (job.status === "processing" && last && now > last.at && done >= last.done) {
      return ((done - last.done) * 60000) / (now - last.at);
    }
    return job.tasks_per_minute;
  };

  const render = (status) => {
    $("host").textContent = status.host;
    $("updated").textContent = new Date(status.generated_at).toLocaleTimeString();
    $("updated").dateTime = status.generated_at;

    fill($("providers"), status.providers.map((p) => {
      const tr = document.createElement("tr");
      tr.dataset.provider = p.name;
      tr.append(
        cell(p.name),
        cell(`${p.in_flight} / ${p.limit}`, "slots num"),
        cell(`${p.queued_interactive} / ${p.queued_batch}`, "num"),
        cell(p.circuit, "circuit-" + String(p.circuit).toLowerCase().replace(/\s+/g, "")),
        cell(p.error_rate === null ? "– (no calls)" : `${percent(p.error_rate)} (${p.recent_failures} of ${p.recent_successes + p.recent_failures})`, "num"),
        cell(number(p.tokens_per_minute), "num"));
      return tr;
    }), 6);

    const now = Date.now();
    fill($("jobs"), status.jobs.map((j) => {
      const tr = document.createElement("tr");
      tr.dataset.job = j.id;
      tr.dataset.done = String(j.completed + j.failed);
      const id = cell(j.id, "id");
      id.title = j.id;
      tr.append(
        id,
        cell(j.status, "status-" + j.status),
        cell(j.model),
        bar(j),
        cell(number(j.completed), "num done"),
        cell(number(j.failed), "num"),
        cell(number(j.total), "num"),
        cell(number(liveRate(j, now), 1), "num"),
        cell(number(j.tokens), "num"),
        cell(new Date(j.submitted_at).toLocaleString()));
      if (j.error) tr.title = j.error;
      return tr;
    }), 10);

    $("errors").replaceChildren(...status.errors.map((e) => {
      const li = document.createElement("li");
      li.textContent = e;
      return li;
    }));
  };

  const poll = async () => {
    try {
      const response = await fetch(statusUrl, { cache: "no-store", credentials: "same-origin" });
      if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
      render(await response.json());
      $("state").textContent = "live";
      $("state").className = "";
    } catch (error) {
      $("state").textContent = `not updated: ${error.message}`;
      $("state").className = "stale";
    } finally {
      setTimeout(poll, 2000);
    }
  };

  poll();
})();
