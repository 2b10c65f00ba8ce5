// live.js: the page side of a live lesson page, as LessonServer's `LivePages` article describes it.
//
// The page is the HTML report in live mode: <body data-lesson="KEY" data-events="URL">, a `button.run-all` and a
// `span.live-status` in the header, and per cell a `section.cell[data-cell]` with `input.cell-args` (for a demo
// with parameters), `button.cell-run`, `button.cell-stop` and a `div.cell-output`. This script listens to the
// server's events, streams output into the cells and posts Run, Stop and Run all. It fetches nothing but the
// server's own URLs. Output text is only ever set with `textContent`; the one piece of HTML it inserts is the
// section the server rendered for a finished run.
"use strict";

(() => {
    const eventsURL = document.body.dataset.events;
    if (!eventsURL) return;
    const lesson = document.body.dataset.lesson || null;
    document.documentElement.classList.add("live-ready");

    // ---- Scroll position across `reload` ------------------------------------------------------------------------

    const scrollKey = "lessonrunner-scroll:" + location.pathname;

    function saveScrollAndReload() {
        try {
            sessionStorage.setItem(scrollKey, String(window.scrollY));
        } catch {
            // Storage may be unavailable (a private window): reload at the top.
        }
        location.reload();
    }

    function restoreScroll() {
        let saved = null;
        try {
            saved = sessionStorage.getItem(scrollKey);
            sessionStorage.removeItem(scrollKey);
        } catch {
            return;
        }
        const y = Number(saved);
        if (saved !== null && Number.isFinite(y)) window.scrollTo(0, y);
    }

    restoreScroll();

    // ---- Cells ----------------------------------------------------------------------------------------------------

    /** The current run of each cell, by cell id: output of another run is stale. */
    const runs = new Map();

    function section(cell) {
        const element = document.getElementById("cell-" + cell);
        return element && element.matches("section.cell") ? element : null;
    }

    function statusClass(status) {
        return "status-" + String(status).replace(/ /g, "-");
    }

    function setStatus(element, cell, status) {
        const name = statusClass(status);
        element.className = "cell " + name;
        const badge = element.querySelector(".cell-header .badge");
        if (badge) {
            badge.className = "badge " + name;
            badge.textContent = status;
        }
        setContentsStatus(cell, status);
    }

    /** The cell's entry in the table of contents: its link's colour and the status after it. */
    function setContentsStatus(cell, status) {
        const name = statusClass(status);
        const link = document.querySelector('nav.toc a[href="#' + CSS.escape("cell-" + cell) + '"]');
        if (link) {
            link.className = name;
            const label = link.nextElementSibling;
            if (label && label.classList.contains("cell-demo")) label.textContent = status;
        }
    }

    function onState(data) {
        const element = section(data.cell);
        if (!element) return;
        runs.set(data.cell, data.run);
        pending.delete(data.cell);
        setStatus(element, data.cell, data.status);
        updateSummary();
        for (const stale of element.querySelectorAll(".cell-header .cell-exit, .cell-header .cell-duration")) {
            stale.remove();
        }
        const stop = element.querySelector("button.cell-stop");
        if (stop) stop.hidden = false;
        const output = element.querySelector(".cell-output");
        if (output) {
            const pre = document.createElement("pre");
            pre.className = "live-output";
            output.replaceChildren(pre);
        }
    }

    function onFinished(data) {
        const old = section(data.cell);
        if (!old || typeof data.html !== "string") return;
        if (runs.has(data.cell) && data.run < runs.get(data.cell)) return;
        runs.set(data.cell, data.run);
        pending.delete(data.cell);
        const field = old.querySelector("input.cell-args");
        const typed = field ? field.value : null;
        const focused = field !== null && document.activeElement === field;
        const selection = focused ? [field.selectionStart, field.selectionEnd] : null;
        // The server's own rendering of the finished cell (LessonRunner's HTMLReport.cellSection), not output text.
        old.outerHTML = data.html;
        const replaced = section(data.cell);
        if (!replaced) return;
        const badge = replaced.querySelector(".cell-header .badge");
        setContentsStatus(data.cell, badge ? badge.textContent : String(data.status));
        updateSummary();
        const newField = replaced.querySelector("input.cell-args");
        if (newField && typed !== null) {
            newField.value = typed;
            if (focused) {
                newField.focus();
                newField.setSelectionRange(selection[0], selection[1]);
            }
        }
    }

    /** The statuses of a finished run, in the order the summary lists them (LessonRunner's CellStatus). */
    const finishedStatuses = ["passed", "failed", "error", "timed out", "skipped", "stopped"];

    /**
     * The header's counts from the cells' badges, in the words of the server-rendered header: "P of T cells passed,
     * F failed, S skipped, X stopped, N not run" (failed counts failed, error and timed out; a queued or running cell counts as
     * not run until it finishes), and a badge for each finished status present.
     */
    function updateSummary() {
        const header = document.getElementById("summary");
        const countsLine = header && header.querySelector(".counts");
        if (!countsLine) return;
        const counts = new Map();
        let total = 0;
        for (const badge of document.querySelectorAll("section.cell .cell-header .badge")) {
            total += 1;
            const status = finishedStatuses.includes(badge.textContent) ? badge.textContent : "not run";
            counts.set(status, (counts.get(status) || 0) + 1);
        }
        const count = status => counts.get(status) || 0;
        const failed = count("failed") + count("error") + count("timed out");
        let text = count("passed") + " of " + total + " cells passed";
        if (failed > 0) text += ", " + failed + " failed";
        if (count("skipped") > 0) text += ", " + count("skipped") + " skipped";
        if (count("stopped") > 0) text += ", " + count("stopped") + " stopped";
        if (count("not run") > 0) text += ", " + count("not run") + " not run";
        countsLine.textContent = text;
        const facts = header.querySelector(".facts > span");
        if (facts) {
            const badges = [];
            for (const status of finishedStatuses) {
                if (count(status) === 0) continue;
                const badge = document.createElement("span");
                badge.className = "badge " + statusClass(status);
                badge.textContent = count(status) + " " + status;
                badges.push(badge, " ");
            }
            facts.replaceChildren(...badges);
        }
    }

    // ---- Output, appended in batches once per frame ---------------------------------------------------------------

    /** Text (and notes) waiting for the next frame, by cell id: `{stream, text}` or `{note}`. */
    const pending = new Map();
    /** At most this many characters go into the page per frame, so that a flood never freezes it. */
    const frameBudget = 128 * 1024;
    let frameRequested = false;

    function enqueue(cell, item) {
        if (!section(cell)) return;
        let items = pending.get(cell);
        if (!items) pending.set(cell, (items = []));
        items.push(item);
        if (!frameRequested) {
            frameRequested = true;
            requestAnimationFrame(flush);
        }
    }

    function onOutput(data) {
        if (runs.has(data.cell) && runs.get(data.cell) !== data.run) return;
        if (typeof data.text !== "string" || data.text === "") return;
        enqueue(data.cell, { stream: data.stream === "stderr" ? "stderr" : "stdout", text: data.text });
    }

    function onCut(data) {
        if (runs.has(data.cell) && runs.get(data.cell) !== data.run) return;
        enqueue(data.cell, { note: String(data.message) });
    }

    function flush() {
        frameRequested = false;
        let budget = frameBudget;
        for (const [cell, items] of pending) {
            if (budget <= 0) break;
            const element = section(cell);
            const pre = element && element.querySelector("pre.live-output");
            if (!pre) {
                pending.delete(cell);
                continue;
            }
            const atBottom = pre.scrollHeight - pre.scrollTop - pre.clientHeight <= 4;
            while (items.length > 0 && budget > 0) {
                const first = items[0];
                if (first.note !== undefined) {
                    addNote(element, pre, first.note);
                    items.shift();
                    continue;
                }
                const parts = [];
                while (items.length > 0 && items[0].stream === first.stream && budget > 0) {
                    const text = items[0].text;
                    if (text.length <= budget) {
                        parts.push(text);
                        budget -= text.length;
                        items.shift();
                    } else {
                        // Cut within the budget, but never between the two halves of a surrogate pair.
                        let end = budget;
                        const code = text.charCodeAt(end - 1);
                        if (code >= 0xd800 && code <= 0xdbff) end -= 1;
                        if (end <= 0) end = 2;
                        parts.push(text.slice(0, end));
                        items[0].text = text.slice(end);
                        budget = 0;
                    }
                }
                const span = document.createElement("span");
                span.className = first.stream === "stderr" ? "out-stderr" : "out-stdout";
                span.textContent = parts.join("");
                pre.appendChild(span);
            }
            if (atBottom) pre.scrollTop = pre.scrollHeight;
            if (items.length === 0) pending.delete(cell);
        }
        if (pending.size > 0 && !frameRequested) {
            frameRequested = true;
            requestAnimationFrame(flush);
        }
    }

    function addNote(element, pre, message) {
        let notes = element.querySelector(".cell-output ul.cell-notes");
        if (!notes) {
            notes = document.createElement("ul");
            notes.className = "cell-notes";
            pre.after(notes);
        }
        const item = document.createElement("li");
        item.textContent = message;
        notes.appendChild(item);
    }

    // ---- Messages -------------------------------------------------------------------------------------------------

    /** Shows `message` in the cell's output area, or at the top of the page when `cell` is null or unknown. */
    function showError(cell, message) {
        const paragraph = document.createElement("p");
        paragraph.className = "live-error";
        paragraph.textContent = String(message);
        paragraph.title = "Click to dismiss";
        const element = cell === null || cell === undefined ? null : section(cell);
        const output = element && element.querySelector(".cell-output");
        if (output) {
            output.prepend(paragraph);
            return;
        }
        let messages = document.querySelector(".live-messages");
        if (!messages) {
            messages = document.createElement("div");
            messages.className = "live-messages";
            messages.setAttribute("role", "alert");
            (document.querySelector("main") || document.body).prepend(messages);
        }
        messages.appendChild(paragraph);
        while (messages.childElementCount > 5) messages.firstElementChild.remove();
    }

    // A message goes away when clicked.
    document.addEventListener("click", (event) => {
        const message = event.target.closest(".live-error");
        if (message) message.remove();
    });

    // ---- Run, Stop, Run all ---------------------------------------------------------------------------------------

    async function post(path, body, cell, button) {
        if (button) button.disabled = true;
        try {
            let response;
            try {
                response = await fetch(path, {
                    method: "POST",
                    credentials: "same-origin",
                    headers: { "Content-Type": "application/json" },
                    body: JSON.stringify(body),
                });
            } catch {
                showError(cell, "The server cannot be reached: is `lesson serve` still running?");
                return;
            }
            if (response.ok) return;
            let message = response.status + " " + response.statusText;
            try {
                const answer = await response.json();
                if (answer && typeof answer.error === "string") message = answer.error;
            } catch {
                // Not JSON: the status says enough.
            }
            showError(cell, message);
        } finally {
            if (button) button.disabled = false;
        }
    }

    function run(element, button) {
        const cell = element.dataset.cell;
        const field = element.querySelector("input.cell-args");
        post("/api/run", { lesson: lesson, cell: cell, args: field ? field.value : null }, cell, button);
    }

    // Delegated to the document, so that a section replaced by `finished` keeps working.
    document.addEventListener("click", (event) => {
        const button = event.target.closest("button");
        if (!button || !lesson) return;
        if (button.matches("button.run-all")) {
            post("/api/run-all", { lesson: lesson }, null, button);
            return;
        }
        const element = button.closest("section.cell[data-cell]");
        if (!element) return;
        if (button.matches("button.cell-run")) {
            run(element, button);
        } else if (button.matches("button.cell-stop")) {
            const cell = element.dataset.cell;
            post("/api/stop", { lesson: lesson, cell: cell }, cell, button);
        }
    });

    document.addEventListener("keydown", (event) => {
        if (event.key !== "Enter" || !lesson || !(event.target instanceof HTMLInputElement)) return;
        if (!event.target.matches("input.cell-args")) return;
        const element = event.target.closest("section.cell[data-cell]");
        if (!element) return;
        event.preventDefault();
        run(element, element.querySelector("button.cell-run"));
    });

    // ---- Events ---------------------------------------------------------------------------------------------------

    const indicator = document.querySelector(".live-status");

    function setConnection(connected) {
        if (!indicator) return;
        indicator.textContent = connected ? "live" : "reconnecting…";
        indicator.classList.toggle("connected", connected);
        indicator.classList.toggle("reconnecting", !connected);
    }

    let retryDelay = 1000;

    function connect() {
        let source;
        try {
            source = new EventSource(eventsURL);
        } catch {
            setConnection(false);
            return;
        }
        const on = (name, handle) => {
            source.addEventListener(name, (event) => {
                let data;
                try {
                    data = JSON.parse(event.data);
                } catch {
                    return;
                }
                if (data && typeof data === "object") handle(data);
            });
        };
        source.onopen = () => {
            retryDelay = 1000;
            setConnection(true);
        };
        on("state", onState);
        on("output", onOutput);
        on("cut", onCut);
        on("finished", onFinished);
        on("reload", saveScrollAndReload);
        // `error` names both the server's event (a MessageEvent with data) and a lost connection (a plain Event).
        source.addEventListener("error", (event) => {
            if (event instanceof MessageEvent) {
                let data;
                try {
                    data = JSON.parse(event.data);
                } catch {
                    return;
                }
                if (data && typeof data === "object") showError(data.cell, data.message);
                return;
            }
            setConnection(false);
            // EventSource retries by itself, unless the server refused the stream: then try again later.
            if (source.readyState === EventSource.CLOSED) {
                source.close();
                setTimeout(connect, retryDelay);
                retryDelay = Math.min(retryDelay * 2, 15000);
            }
        });
    }

    connect();
})();
