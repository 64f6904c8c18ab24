// The self-hosted server (edge/lib/front.mjs) over each runtime: idle and stalled connections
// cannot take it down, requests the HTTP layer rejects get the API's JSON errors, and a runtime
// that dies is restarted. Small limits keep the run short.
//   node --test edge/tests/front.test.mjs          (edge/test.sh prepares edge/build first)
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { RUNTIMES, freePort } from "../lib/runtimes.mjs";
import { DEFAULTS, clientErrorAnswer, limitsFrom, startFront } from "../lib/front.mjs";

const runtimes = (process.env.CCM_EDGE_RUNTIMES ?? RUNTIMES.join(",")).split(",").filter(Boolean);
const LIMITS = { ...DEFAULTS, maxConnections: 40, headersTimeoutMs: 1500, requestTimeoutMs: 2500, idleTimeoutMs: 2000, keepAliveTimeoutMs: 1000 };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Opens a socket, sends `chunks` (strings, or numbers = pauses in ms), and collects what comes back until it closes or `maxMs`. */
function talk(port, chunks = [], maxMs = 10_000) {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const s = net.connect(port, "127.0.0.1");
    let data = "";
    let done = false;
    const finish = (how) => {
      if (done) return;
      done = true;
      s.destroy();
      resolve({ data, how, ms: Date.now() - t0 });
    };
    s.setEncoding("utf8");
    s.on("data", (d) => (data += d));
    s.on("close", () => finish("closed"));
    s.on("error", () => finish("error"));
    setTimeout(() => finish("timeout"), maxMs);
    s.on("connect", async () => {
      for (const c of chunks) {
        if (done) return;
        if (typeof c === "number") await sleep(c);
        else s.write(c);
      }
    });
  });
}

/** The status and JSON body of a raw HTTP answer. */
function parsed(raw) {
  const [head, ...rest] = raw.split("\r\n\r\n");
  const status = Number(head.split(" ")[1]);
  const headers = Object.fromEntries(head.split("\r\n").slice(1).map((l) => [l.slice(0, l.indexOf(":")).toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]));
  return { status, headers, body: rest.join("\r\n\r\n") ? JSON.parse(rest.join("\r\n\r\n")) : null };
}

test("limits come from the environment and bad values are refused", () => {
  assert.deepEqual(limitsFrom({}), DEFAULTS);
  assert.equal(limitsFrom({ CCM_EDGE_MAX_CONNECTIONS: "20" }).maxConnections, 20);
  assert.throws(() => limitsFrom({ CCM_EDGE_REQUEST_TIMEOUT_MS: "-1" }), /positive integer/);
  assert.equal(clientErrorAnswer({ code: "HPE_INVALID_METHOD" })[0], 501);
  assert.equal(clientErrorAnswer({ code: "ERR_HTTP_REQUEST_TIMEOUT" })[0], 408);
});

for (const runtime of runtimes) {
  describe(`front over ${runtime}`, () => {
    let front;
    const logs = [];
    before(async () => {
      front = await startFront(runtime, await freePort(), { limits: LIMITS, log: (l) => logs.push(l) });
    });
    after(async () => front && (await front.close()));

    const health = async () => {
      const res = await fetch(`http://127.0.0.1:${front.port}/v1/health`);
      return { status: res.status, body: await res.json(), headers: res.headers };
    };

    test("idle sockets beyond the cap are refused, stalled requests time out, and a normal request is answered", async () => {
      const pid = front.runtimePid();
      // A partial header, a slow body (10 bytes every 0.5 s), a body shorter than its length; then
      // twice the cap of idle sockets.
      const partial = talk(front.port, ["POST /v1/evaluate HTTP/1.1\r\nHost: x\r\n"], 8000);
      const head = "POST /v1/evaluate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n";
      const slow = talk(front.port, [head, ...Array.from({ length: 20 }, () => [500, "          "]).flat()], 8000);
      const short = talk(front.port, [head, '{"a":'], 8000);
      await sleep(300);
      const idle = Array.from({ length: LIMITS.maxConnections * 2 }, () => talk(front.port, [], 8000));
      const idleDone = await Promise.all(idle);
      const refused = idleDone.filter((r) => r.how === "closed" && r.ms < 1000).length;
      assert.ok(refused >= LIMITS.maxConnections * 0.9, `only ${refused} of ${idle.length} idle sockets were refused at once`);
      assert.ok(idleDone.every((r) => r.how !== "timeout"), "every idle socket was closed by the server (cap or idle timeout)");
      for (const [name, p] of [["slow body", slow], ["short body", short]]) {
        const r = await p;
        assert.notEqual(r.how, "timeout", `${name} was held open`);
        assert.ok(r.ms >= 1000 && r.ms < LIMITS.requestTimeoutMs + 2500, `${name} closed after ${r.ms} ms`);
        const a = parsed(r.data);
        assert.equal(a.status, 408, name);
        assert.equal(a.body.error.code, "REQUEST_TIMEOUT", name);
        assert.equal(a.headers["cache-control"], "no-store", name);
      }
      const p = await partial;
      assert.notEqual(p.how, "timeout", "a partial header was held open");
      assert.equal(parsed(p.data).status, 408, "a partial header times out with 408");
      const h = await health();
      assert.equal(h.status, 200);
      assert.equal(h.body.runtime, runtime);
      assert.equal(front.runtimePid(), pid, "the runtime never died");
      assert.ok(front.stats.refused >= refused);
    });

    test("what the HTTP layer rejects is answered as JSON with the API's headers", async () => {
      const cases = [
        ["FOO /v1/health HTTP/1.1\r\nHost: x\r\n\r\n", 501, "METHOD_NOT_ALLOWED"],
        ["CONNECT example.org:443 HTTP/1.1\r\nHost: example.org:443\r\n\r\n", 405, "METHOD_NOT_ALLOWED"],
        [`GET /${"a".repeat(100_000)} HTTP/1.1\r\nHost: x\r\n\r\n`, 431, "HEADERS_TOO_LARGE"],
        ["POST /v1/evaluate HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n{}", 400, "BAD_REQUEST"],
        ["POST /v1/evaluate HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}", 400, "BAD_REQUEST"],
        ["GET /v1/health HTTP/9.9\r\nHost: x\r\n\r\n", 400, "BAD_REQUEST"],
      ];
      for (const [raw, status, code] of cases) {
        const r = await talk(front.port, [raw], 5000);
        const a = parsed(r.data);
        assert.equal(a.status, status, raw.slice(0, 40));
        assert.equal(a.body.error.code, code, raw.slice(0, 40));
        for (const [k, v] of [["cache-control", "no-store"], ["content-security-policy", "default-src 'none'; frame-ancestors 'none'"], ["x-frame-options", "DENY"], ["referrer-policy", "no-referrer"]]) {
          assert.equal(a.headers[k], v, `${raw.slice(0, 20)} ${k}`);
        }
      }
      assert.equal((await health()).status, 200, "still serving");
    });

    test("the API's answers pass through unchanged, with its headers", async () => {
      const res = await fetch(`http://127.0.0.1:${front.port}/v1/evaluate`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
      assert.equal(res.status, 422);
      assert.equal((await res.json()).error.code, "INVALID_INPUT");
      assert.equal(res.headers.get("x-frame-options"), "DENY");
    });

    test("a runtime that dies is restarted", async () => {
      const pid = front.runtimePid();
      process.kill(pid, "SIGKILL");
      const deadline = Date.now() + 30_000;
      let h;
      for (;;) {
        h = await health().catch(() => ({ status: 0 }));
        if (h.status === 200 && front.runtimePid() !== pid) break;
        assert.ok(Date.now() < deadline, "not restarted within 30 s");
        if (h.status !== 200 && h.status !== 0) {
          assert.equal(h.status, 503);
          assert.equal(h.body.error.code, "UNAVAILABLE");
        }
        await sleep(100);
      }
      assert.ok(logs.some((l) => l.includes("restarting")), logs.join("\n"));
    });
  });
}
