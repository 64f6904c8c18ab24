// ICD-10-CM lookup worker: loads the description table (www/data/icd10cm-fy2026.tsv.gz, lazily,
// from this origin) and answers searches by code prefix and by words. Built once into a sorted
// word list with postings, so a search touches only the entries that can match.
"use strict";

let codes = []; // "E119" (sorted)
let chronic = []; // "1" | "0" | "9" | ""
let descs = [];
let lowers = []; // lower-case descriptions
let words = []; // sorted unique words
let postings = []; // words[i] → Uint32Array of entry indices (ascending)
let wordCount = null; // Uint8Array: words in each description
let ready = null;

// Abbreviations billing and clinical staff type; each expands to words of the descriptions.
const ABBREV = {
  htn: ["hypertension"],
  dm: ["diabetes"],
  t2dm: ["type", "2", "diabetes"],
  t1dm: ["type", "1", "diabetes"],
  copd: ["chronic", "obstructive", "pulmonary"],
  chf: ["heart", "failure"],
  hf: ["heart", "failure"],
  ckd: ["chronic", "kidney"],
  cad: ["atherosclerotic", "heart"],
  afib: ["atrial", "fibrillation"],
  af: ["atrial", "fibrillation"],
  mdd: ["major", "depressive"],
  ra: ["rheumatoid", "arthritis"],
  oa: ["osteoarthritis"],
  gerd: ["gastro-esophageal", "reflux"],
  hld: ["hyperlipidemia"],
  osa: ["obstructive", "sleep", "apnea"],
  bph: ["prostatic", "hyperplasia"],
  ms: ["multiple", "sclerosis"],
};

// Diagnoses most often behind CCM enrollment: listed first when they match.
const COMMON = ["I10", "E119", "E785", "E782", "E1122", "E1165", "E039", "J449", "I509", "I5022", "I5032", "N183", "N1830", "N1831", "N1832",
  "N184", "I2510", "I4891", "I480", "F329", "F331", "F411", "G4733", "M1711", "M170", "E669", "K219", "G309", "F039", "J459", "M810", "D649", "E559", "G629"];
const COMMON_RANK = new Map(COMMON.map((c, i) => [c, i]));

const tokenize = (s) => s.toLowerCase().split(/[^a-z0-9-]+/).flatMap((w) => (w.includes("-") ? [w, ...w.split("-")] : [w])).filter(Boolean);

async function load(url) {
  const t0 = performance.now();
  const res = await fetch(url);
  if (!res.ok) throw new Error(`cannot load ${url}: HTTP ${res.status}`);
  const text = await new Response(res.body.pipeThrough(new DecompressionStream("gzip"))).text();
  const byWord = new Map();
  for (const line of text.split("\n")) {
    if (!line || line[0] === "#") continue;
    const a = line.indexOf("\t");
    const b = line.indexOf("\t", a + 1);
    const i = codes.length;
    codes.push(line.slice(0, a));
    chronic.push(line.slice(a + 1, b));
    const d = line.slice(b + 1);
    descs.push(d);
    const low = d.toLowerCase();
    lowers.push(low);
    for (const w of new Set(tokenize(low))) {
      let list = byWord.get(w);
      if (!list) byWord.set(w, (list = []));
      list.push(i);
    }
  }
  wordCount = Uint8Array.from(lowers, (l) => Math.min(255, tokenize(l).length));
  words = [...byWord.keys()].sort();
  postings = words.map((w) => Uint32Array.from(byWord.get(w)));
  // The first searches would otherwise run in V8's interpreter (15 ms for "heart failure" on a
  // loaded CI machine, against 1–2 ms warm): run the kinds of query people type, once, here in
  // the worker while the table loads, so the person's first search is already compiled code.
  for (const q of WARM_UP) search(q, 12);
  tokenCache.clear();
  return { count: codes.length, ms: performance.now() - t0 };
}

const WARM_UP = ["heart failure", "chf", "E11.6", "ckd stage 3", "N18", "type 2 diabetes with", "Z", "hypertension", "copd", "i50.2 systolic", "a", "b20"];

/**
 * The best `k` entries, best first: common CCM diagnoses, then chronic ones, then those with the
 * fewest words ("Type 2 diabetes mellitus without complications" before its specific siblings),
 * then the shortest description, then code order. One pass, no full sort.
 */
function topK(list, k) {
  const score = (i) => (COMMON_RANK.get(codes[i]) ?? 99) * 1e8 + (chronic[i] === "1" ? 0 : 1e7) + wordCount[i] * 1e4 + Math.min(descs[i].length, 9999);
  const best = []; // [score, index], ascending
  for (const i of list) {
    const sc = score(i);
    if (best.length === k && sc >= best[k - 1][0]) continue;
    let j = best.length;
    while (j > 0 && best[j - 1][0] > sc) j--;
    best.splice(j, 0, [sc, i]);
    if (best.length > k) best.pop();
  }
  return best.map((b) => b[1]);
}

/** First index i with arr[i] >= key. */
function lowerBound(arr, key) {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (arr[mid] < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index range [from, to) of sorted `arr` entries starting with `prefix`. */
function prefixRange(arr, prefix) {
  const from = lowerBound(arr, prefix);
  const to = lowerBound(arr, prefix + "\uffff");
  return [from, to];
}

// Typing "heart failure" asks for "heart" at every keystroke after it: the merged postings of a
// word prefix are kept for the last few tokens.
const tokenCache = new Map();
const TOKEN_CACHE_SIZE = 32;

/** Sorted entry indices whose description has a word starting with `token`. */
function entriesForToken(token) {
  const hit = tokenCache.get(token);
  if (hit) return hit;
  const [from, to] = prefixRange(words, token);
  let list;
  if (to - from === 1) list = postings[from];
  else {
    const set = new Set();
    for (let w = from; w < to; w++) for (const i of postings[w]) set.add(i);
    list = Uint32Array.from(set).sort();
  }
  if (tokenCache.size >= TOKEN_CACHE_SIZE) tokenCache.delete(tokenCache.keys().next().value);
  tokenCache.set(token, list);
  return list;
}

/** Entries under all words starting with `token`, counted with repeats (an upper bound, cheap). */
function postingCount(token) {
  const [from, to] = prefixRange(words, token);
  let n = 0;
  for (let w = from; w < to; w++) n += postings[w].length;
  return n;
}

const isWordChar = (c) => (c >= "a" && c <= "z") || (c >= "0" && c <= "9");

/** Whether lower-case `text` has a word starting with `token` (the words `tokenize` makes). */
function hasWordStartingWith(text, token) {
  for (let p = text.indexOf(token); p !== -1; p = text.indexOf(token, p + 1)) if (p === 0 || !isWordChar(text[p - 1])) return true;
  return false;
}

const normCode = (s) => s.toUpperCase().replace(/[.\s]/g, "");
const isCodeLike = (s) => /^[a-z]\d[0-9a-z]{0,5}$/i.test(s.replace(".", ""));
const dotted = (c) => (c.length > 3 ? `${c.slice(0, 3)}.${c.slice(3)}` : c);

function row(i) {
  return { code: dotted(codes[i]), chronic: chronic[i], description: descs[i] };
}

function search(query, limit) {
  const q = query.trim();
  if (!q) return { results: [], total: 0 };
  const raw = q.split(/\s+/);
  const first = raw[0];
  let candidates = null; // array of entry indices, or null = all
  let wordTokens = raw;
  let set = null;
  if (isCodeLike(first)) {
    const prefix = normCode(first);
    const [from, to] = prefixRange(codes, prefix);
    candidates = [];
    for (let i = from; i < to; i++) candidates.push(i);
    wordTokens = raw.slice(1);
  }
  const tokens = wordTokens.flatMap((t) => {
    const low = t.toLowerCase().replace(/[^a-z0-9-]/g, "");
    return ABBREV[low] ?? tokenize(low);
  });
  // A lone letter is a code prefix ("Z"); next to other words it says nothing.
  if (!candidates && tokens.length === 1 && /^[a-z]$/.test(tokens[0])) {
    const [from, to] = prefixRange(codes, tokens[0].toUpperCase());
    candidates = [];
    for (let i = from; i < to; i++) candidates.push(i);
    tokens.length = 0;
  }
  for (let k = tokens.length - 1; k >= 0 && tokens.length > 1; k--) if (/^[a-z]$/.test(tokens[k])) tokens.splice(k, 1);
  if (tokens.length) {
    // Most selective token first. The others filter what it found: a short list of candidates is
    // checked against each description rather than merging a token's postings, since a common
    // word prefix ("with": within, without, withdrawal…) unites tens of thousands of entries.
    const lists = tokens.map((t) => ({ t, n: postingCount(t) })).sort((a, b) => a.n - b.n);
    if (candidates && 4 * candidates.length < lists[0].n) set = candidates.filter((i) => hasWordStartingWith(lowers[i], lists[0].t));
    else {
      set = entriesForToken(lists[0].t);
      if (candidates) {
        const allowed = new Set(candidates);
        set = set.filter((i) => allowed.has(i));
      }
    }
    for (const { t, n } of lists.slice(1)) {
      if (!set.length) break;
      if (n > 4 * set.length) {
        set = set.filter((i) => hasWordStartingWith(lowers[i], t));
        continue;
      }
      const list = entriesForToken(t);
      // both ascending: merge-intersect
      const out = [];
      let a = 0;
      let b = 0;
      while (a < set.length && b < list.length) {
        if (set[a] === list[b]) {
          out.push(set[a]);
          a++;
          b++;
        } else if (set[a] < list[b]) a++;
        else b++;
      }
      set = out;
    }
    candidates = Array.from(set);
    candidates = topK(candidates, limit);
  }
  const total = tokens.length ? set.length : candidates.length;
  const picked = candidates.slice(0, limit);
  return { results: picked.map(row), total };
}

function lookup(list) {
  const out = {};
  for (const c of list) {
    const n = normCode(String(c ?? ""));
    const i = lowerBound(codes, n);
    out[c] = i < codes.length && codes[i] === n ? row(i) : null;
  }
  return out;
}

self.onmessage = async (e) => {
  const { id, type } = e.data;
  try {
    if (type === "init") {
      ready ??= load(e.data.url);
      const info = await ready;
      self.postMessage({ id, ok: true, ...info });
      return;
    }
    await ready;
    const t0 = performance.now();
    let payload;
    if (type === "search") payload = search(e.data.query, e.data.limit ?? 25);
    else if (type === "lookup") payload = { codes: lookup(e.data.codes) };
    else throw new Error(`unknown request ${type}`);
    self.postMessage({ id, ok: true, ms: performance.now() - t0, ...payload });
  } catch (err) {
    self.postMessage({ id, ok: false, error: String(err && err.message ? err.message : err) });
  }
};
