// Date and time helpers of the month form: the browser's local clock and UTC offset, and RFC 3339
// stamps split into the local date-time a `datetime-local` control shows and the offset kept beside it.

const pad = (n) => String(n).padStart(2, "0");

/** The browser's UTC offset at a local date-time, as "+hh:mm"/"-hh:mm". */
export function localOffset(date = new Date()) {
  const m = -date.getTimezoneOffset();
  const sign = m < 0 ? "-" : "+";
  const a = Math.abs(m);
  return `${sign}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}

/** Local wall-clock time as "YYYY-MM-DDTHH:MM:SS". */
export function localStamp(d = new Date()) {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export const todayIso = (d = new Date()) => localStamp(d).slice(0, 10);

/** "2026-03-04T10:00:00-05:00" → { local: "2026-03-04T10:00:00", offset: "-05:00" }. */
export function splitDateTime(s) {
  if (typeof s !== "string") return { local: "", offset: null };
  const m = s.match(/^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|z|[+-]\d{2}:?\d{2})?$/);
  if (!m) return { local: "", offset: null, raw: s };
  return { local: `${m[1]}T${m[2]}`, offset: m[3] ? (m[3].toUpperCase() === "Z" ? "Z" : m[3]) : "" };
}

export function joinDateTime(local, offset) {
  if (!local) return undefined;
  const full = local.length === 16 ? `${local}:00` : local;
  return full + (offset || "");
}

/** Minutes between two RFC 3339 stamps (floating ones read as UTC), or null. */
export function minutesBetween(a, b) {
  const pa = splitDateTime(a);
  const pb = splitDateTime(b);
  if (!pa.local || !pb.local) return null;
  const t = (p) => Date.parse(p.local + (p.offset === "" ? "Z" : p.offset === "Z" ? "Z" : p.offset));
  const d = (t(pb) - t(pa)) / 60000;
  return Number.isFinite(d) ? d : null;
}

/** Elapsed milliseconds as "m:ss" (the running timer). */
export function formatElapsed(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(s / 60)}:${pad(s % 60)}`;
}
