// dealbook serve: keeps the page live and lets the board move deals. Served from /app.js
// (the pages' Content-Security-Policy runs no inline script); no other script, no network
// but this server.
(() => {
  "use strict";
  const main = document.getElementById("live");
  const token = document.querySelector('meta[name="dealbook-token"]').content;
  const toast = document.getElementById("toast");
  let shown = document.body.dataset.version;
  let loading = false;
  let again = false;
  let waiting = false;

  function say(text) {
    toast.textContent = text;
    toast.hidden = !text;
    if (text) setTimeout(() => { if (toast.textContent === text) toast.hidden = true; }, 6000);
  }

  // Typing in a box of the page (the deals' --where) is not interrupted: the refresh waits.
  function typing() {
    const active = document.activeElement;
    return active && main.contains(active) && active.matches("input, textarea, select");
  }

  async function refresh() {
    if (typing()) { waiting = true; return; }
    if (loading) { again = true; return; }
    loading = true;
    try {
      const url = new URL(location.href);
      url.searchParams.set("fragment", "1");
      const response = await fetch(url, { headers: { Accept: "text/html" }, cache: "no-store" });
      if (response.ok) main.innerHTML = await response.text();
    } catch (e) {
      say("The server cannot be reached; the page shows what it last knew.");
    } finally {
      loading = false;
      if (again) { again = false; refresh(); }
    }
  }

  document.addEventListener("focusout", () => {
    if (waiting) { waiting = false; setTimeout(refresh, 0); }
  });

  // Follows the vault while the tab is shown. A hidden tab lets go of its event stream: a
  // browser keeps only a few connections open to one server, and each tab's stream holds one.
  // Shown again, it follows again; the stream's first event is the current version, so a page
  // that missed a change refreshes at once.
  let events = null;
  function follow() {
    events = new EventSource("/events");
    // Says whether the page is following the vault (the navigation's "live" mark).
    events.addEventListener("open", () => { document.body.dataset.live = "on"; });
    events.addEventListener("error", () => { document.body.dataset.live = "off"; });
    events.addEventListener("change", (event) => {
      if (event.data !== shown) {
        shown = event.data;
        refresh();
      }
    });
  }
  document.addEventListener("visibilitychange", () => {
    if (document.hidden && events) {
      events.close();
      events = null;
      document.body.dataset.live = "off";
    } else if (!document.hidden && !events) {
      follow();
    }
  });
  if (!document.hidden) follow();

  // The board: drag a card onto a stage.
  let dragged = null;
  document.addEventListener("dragstart", (event) => {
    const card = event.target.closest && event.target.closest(".deal-card[draggable=true]");
    if (!card) return;
    dragged = card;
    card.classList.add("moving");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.deal);
  });
  document.addEventListener("dragend", () => {
    if (dragged) dragged.classList.remove("moving");
    dragged = null;
    document.querySelectorAll(".column.over").forEach((c) => c.classList.remove("over"));
  });
  document.addEventListener("dragover", (event) => {
    const column = event.target.closest && event.target.closest(".column[data-stage]");
    if (!column || !dragged) return;
    event.preventDefault();
    column.classList.add("over");
  });
  document.addEventListener("dragleave", (event) => {
    const column = event.target.closest && event.target.closest(".column[data-stage]");
    if (column && !column.contains(event.relatedTarget)) column.classList.remove("over");
  });
  document.addEventListener("drop", async (event) => {
    const column = event.target.closest && event.target.closest(".column[data-stage]");
    if (!column || !dragged) return;
    event.preventDefault();
    column.classList.remove("over");
    const card = dragged;
    if (card.closest(".column") === column) return;
    const response = await fetch("/deal/" + encodeURIComponent(card.dataset.deal) + "/stage", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Dealbook-Token": token },
      body: JSON.stringify({ stage: column.dataset.stage, hash: card.dataset.hash }),
    });
    if (!response.ok) say(await response.text());
    refresh();
  });
})();
