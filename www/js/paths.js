// Paths as the engine writes them: `timeEntries[1].performer.role`.

/** "a.b[2].c" → ["a", "b", 2, "c"] */
export function parsePath(path) {
  const out = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) : m[1]);
  return out;
}

/** ["a", "b", 2] → "a.b[2]" */
export function formatPath(parts) {
  let s = "";
  for (const p of parts) s += typeof p === "number" ? `[${p}]` : s ? `.${p}` : p;
  return s;
}

/** The enclosing path: "a.b[2].c" → "a.b[2]" → "a.b" → "a" → "". */
export function parentPath(path) {
  const parts = parsePath(path);
  parts.pop();
  return formatPath(parts);
}

export function getPath(obj, path) {
  let cur = obj;
  for (const p of parsePath(path)) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = cur[p];
  }
  return cur;
}

const isEmptyObject = (v) => v && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 0;

/**
 * Sets `value` at `path`, creating objects on the way. `undefined` deletes the key, and then
 * removes objects (not arrays, not the root) that became empty.
 */
export function setPath(obj, path, value) {
  const parts = parsePath(path);
  const chain = [obj];
  let cur = obj;
  for (let i = 0; i < parts.length - 1; i++) {
    const k = parts[i];
    if (cur[k] === null || typeof cur[k] !== "object") {
      if (value === undefined) return;
      cur[k] = typeof parts[i + 1] === "number" ? [] : {};
    }
    cur = cur[k];
    chain.push(cur);
  }
  const last = parts[parts.length - 1];
  if (value !== undefined) {
    cur[last] = value;
    return;
  }
  if (Array.isArray(cur)) cur[last] = undefined;
  else delete cur[last];
  for (let i = parts.length - 2; i >= 0; i--) {
    const parent = chain[i];
    const k = parts[i];
    if (!isEmptyObject(parent[k]) || Array.isArray(parent)) break;
    delete parent[k];
  }
}
