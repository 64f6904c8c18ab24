// Client of the ICD-10-CM lookup worker. The worker and its ~550 KB table load on first use.
const WORKER = new URL("./icd-worker.js", import.meta.url);
const DATA = new URL("../data/icd10cm-fy2026.tsv.gz", import.meta.url);

let worker = null;
let seq = 0;
const pending = new Map();
let readyPromise = null;

function start() {
  if (worker) return;
  worker = new Worker(WORKER);
  worker.onmessage = (e) => {
    const p = pending.get(e.data.id);
    if (!p) return;
    pending.delete(e.data.id);
    if (e.data.ok) p.resolve(e.data);
    else p.reject(new Error(e.data.error));
  };
  worker.onerror = (e) => {
    for (const p of pending.values()) p.reject(new Error(e.message || "ICD worker failed"));
    pending.clear();
  };
}

function request(msg) {
  start();
  const id = ++seq;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    worker.postMessage({ id, ...msg });
  });
}

/** Starts loading the table (idempotent). Resolves to { count, ms }. */
export function icdReady() {
  readyPromise ??= request({ type: "init", url: DATA.href });
  return readyPromise;
}

/** @returns {Promise<{ results: {code, chronic, description}[], total: number, ms: number }>} */
export async function icdSearch(query, limit = 25) {
  await icdReady();
  return request({ type: "search", query, limit });
}

/** @returns {Promise<Record<string, {code, chronic, description} | null>>} */
export async function icdLookup(codes) {
  await icdReady();
  return (await request({ type: "lookup", codes })).codes;
}

export const CHRONIC_WORDS = { "1": "chronic", "0": "not chronic", "9": "chronic: no determination", "": "chronic: not in AHRQ table" };
