// Time entries: each row is start + end (local date-time and a UTC offset) or date + minutes. The
// row's UI state (mode, offset, running timer) lives in `this.meta`, beside the entry, not in it.
// The timer, the duration shown, and the "Time this month" section.
// Methods of MonthForm (month-form.js mixes them into its prototype; `this` is the form).
import { h, uid } from "../dom.js";
import { getPath } from "../paths.js";
import { ROLES, SERVICES, SETTINGS } from "../words.js";
import { localOffset, localStamp, splitDateTime, joinDateTime, minutesBetween, formatElapsed } from "./datetime.js";
import { isBlank } from "./state.js";

export const timeEntryMethods = {
  nextEntryId(arr) {
    let n = arr.length + 1;
    const ids = new Set(arr.map((e) => e?.id));
    while (ids.has(`t${n}`)) n++;
    return `t${n}`;
  },

  metaFor(entry) {
    let m = this.meta.get(entry);
    if (!m) {
      const s = splitDateTime(entry?.start);
      const e = splitDateTime(entry?.end);
      const hasMinutes = entry && (!isBlank(entry.date) || !isBlank(entry.minutes)) && isBlank(entry.start) && isBlank(entry.end);
      m = { mode: hasMinutes ? "minutes" : "interval", offset: s.offset ?? e.offset ?? null, timer: null };
      if (m.offset === null) m.offset = localOffset();
      this.meta.set(entry, m);
    }
    return m;
  },

  switchMode(rowPath, mode) {
    const entry = getPath(this.state, rowPath);
    const m = this.metaFor(entry);
    if (m.mode === mode) return;
    if (mode === "minutes") {
      const d = minutesBetween(entry.start, entry.end);
      const day = splitDateTime(entry.start).local.slice(0, 10);
      delete entry.start;
      delete entry.end;
      if (day) entry.date = day;
      if (d !== null && d >= 0) entry.minutes = Math.floor(d);
    } else {
      delete entry.date;
      delete entry.minutes;
    }
    m.mode = mode;
    m.timer = null;
    this.render({ focus: `mode:${rowPath}:${mode}` });
    this.opts.onChange();
  },

  toggleTimer(rowPath) {
    const entry = getPath(this.state, rowPath);
    const m = this.metaFor(entry);
    const now = new Date();
    if (!m.timer) {
      m.mode = "interval";
      delete entry.date;
      delete entry.minutes;
      m.offset = localOffset(now);
      entry.start = joinDateTime(localStamp(now), m.offset);
      delete entry.end;
      m.timer = { started: now.getTime() };
    } else {
      entry.end = joinDateTime(localStamp(now), localOffset(now));
      m.timer = null;
    }
    this.render({ focus: `timer:${rowPath}` });
    this.syncTimerTick();
  },

  syncTimerTick() {
    const running = [...this.form.querySelectorAll("[data-timer-since]")];
    if (running.length && !this.timerTick) {
      this.timerTick = setInterval(() => {
        const els = [...this.form.querySelectorAll("[data-timer-since]")];
        if (!els.length) {
          clearInterval(this.timerTick);
          this.timerTick = null;
          return;
        }
        for (const el of els) el.textContent = `Timer running: ${formatElapsed(Date.now() - Number(el.dataset.timerSince))}`;
      }, 1000);
    }
  },

  updateDuration(rowPath) {
    const out = this.form.querySelector(`[data-duration-for="${rowPath}"]`);
    if (!out) return;
    const e = getPath(this.state, rowPath);
    const d = e ? minutesBetween(e.start, e.end) : null;
    out.textContent = d === null ? "" : d < 0 ? "End is before start" : `${Math.floor(d)} min`;
  },

  /** A start or end: the local date-time of the stamp at `key` (its offset is the row's). */
  dateTimeField(entry, path, label, key) {
    const p = `${path}.${key}`;
    const id = uid("dt");
    const slot = this.slot(p);
    const parts = splitDateTime(entry[key]);
    const control = h("input", {
      id,
      type: "datetime-local",
      value: parts.local ? parts.local.slice(0, 19) : "",
      step: parts.local && parts.local.length > 16 && !parts.local.endsWith(":00") ? "1" : "60",
      dataset: { path: p, kind: "datetime" },
      "aria-describedby": slot.id,
    });
    this.controls.set(p, control);
    return h("div", { class: "field", "data-msg-path": p }, h("label", { for: id, text: label }), control, parts.raw ? h("span", { class: "hint", text: `Imported as: ${parts.raw}` }) : null, slot);
  },

  timeSection() {
    return this.listSection("Time this month", "timeEntries", "One row per piece of care management work. Use the timer while you work, or type the times.", "Add time entry", (entry, path, i) => {
      const m = this.metaFor(entry);
      const modeName = uid("mode");
      const timerRunning = Boolean(m.timer);
      const interval = m.mode === "interval";
      const offId = uid("off");
      return this.rowShell(path, `Entry ${i + 1}${entry.id ? ` (${entry.id})` : ""}`, [
        h(
          "div",
          { class: "grid" },
          this.field("Performed by (name)", `${path}.performer.name`, "text", {}),
          this.field("Role", `${path}.performer.role`, "select", { options: [["", "—"], ...Object.entries(ROLES)] }),
          this.field("Staff ID", `${path}.performer.id`, "text", {}),
        ),
        h(
          "fieldset",
          { class: "mode" },
          h("legend", { text: "How the time is recorded" }),
          [
            ["interval", "Start and end"],
            ["minutes", "Date and minutes"],
          ].map(([v, t]) => {
            const id = uid("m");
            return h("span", { class: "check" }, h("input", { type: "radio", id, name: modeName, value: v, checked: m.mode === v, dataset: { kind: "mode", row: path, focusKey: `mode:${path}:${v}` } }), h("label", { for: id, text: t }));
          }),
        ),
        interval
          ? h(
              "div",
              { class: "grid times" },
              this.dateTimeField(entry, path, "Start", "start"),
              this.dateTimeField(entry, path, "End", "end"),
              h(
                "div",
                { class: "field" },
                h("label", { for: offId, text: "UTC offset" }),
                h("input", { id: offId, type: "text", value: m.offset ?? "", placeholder: "-05:00", size: 6, class: "mono", dataset: { path, kind: "offset", focusKey: `offset:${path}` }, "aria-describedby": `${offId}-hint` }),
                h("span", { class: "hint", id: `${offId}-hint`, text: "Blank: local time without offset" }),
              ),
              h(
                "div",
                { class: "field timer" },
                h("button", { type: "button", class: timerRunning ? "timer running" : "timer", dataset: { action: "timer", target: path, focusKey: `timer:${path}` }, "aria-pressed": String(timerRunning), text: timerRunning ? "Stop timer" : "Start timer" }),
                timerRunning
                  ? h("span", { class: "timer-out", role: "timer", dataset: { timerSince: String(m.timer.started) }, text: `Timer running: ${formatElapsed(Date.now() - m.timer.started)}` })
                  : h("span", { class: "duration", dataset: { durationFor: path } }),
              ),
            )
          : h("div", { class: "grid times" }, this.field("Date", `${path}.date`, "date", {}), this.field("Minutes", `${path}.minutes`, "int", { step: "1", min: "0", max: "1440" })),
        h(
          "div",
          { class: "grid" },
          this.field("Service", `${path}.service`, "select", { options: [["", "CCM"], ...Object.entries(SERVICES).filter(([k]) => k !== "ccm")] }),
          this.field("Patient was", `${path}.patientSetting`, "select", { options: [["", "At home / community"], ...Object.entries(SETTINGS).filter(([k]) => k !== "community")] }),
        ),
        this.field("What was done", `${path}.narrative`, "textarea", { rows: 2, placeholder: "e.g. Called patient about glucose log; adjusted insulin with pharmacist" }),
      ]);
    });
  },
};
