// Front-end figures of issue 17, printed next to the previous ones (end2end/bench/previous.json).
// Run by .ci/bench-web.sh (make bench-web) against a release server on the demo data:
//   BENCH_BASE_URL  the server (http://localhost:PORT)
//   BENCH_DATA_DIR  its data directory (demo-enrolment-codes.txt)
//   BENCH_SITE_PKG  the built /pkg directory (target/site/pkg)
//   CHROME_PATH     Debian's Chromium
// Sizes are bytes; times are milliseconds unless named otherwise. Lighthouse runs with its mobile
// defaults (simulated slow 4G, 4x CPU slowdown); signed-in pages get the session a passkey
// sign-in made in Chromium (CDP virtual authenticator), sent as a Cookie header.
import { chromium } from "@playwright/test";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";

const base = process.env.BENCH_BASE_URL;
const dataDir = process.env.BENCH_DATA_DIR;
const pkgDir = process.env.BENCH_SITE_PKG;
const chrome = process.env.CHROME_PATH ?? "/usr/bin/chromium";
const previous = JSON.parse(fs.readFileSync(new URL("./previous.json", import.meta.url), "utf8"));
const results = { date: new Date().toISOString().slice(0, 10), machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB` };

/** GET `url` with `headers`; resolves to { status, headers, bytes } where bytes is the body as sent (not decoded). */
function get(url, headers = {}) {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { headers }, (response) => {
      let bytes = 0;
      response.on("data", (chunk) => (bytes += chunk.length));
      response.on("end", () => resolve({ status: response.statusCode, headers: response.headers, bytes }));
    });
    request.on("error", reject);
  });
}

const kb = (n) => (n / 1024).toFixed(1);
const pad = (s, n) => String(s).padEnd(n);
const padl = (s, n) => String(s).padStart(n);

// 1. Every /pkg file, raw and as served.
console.log(`\nhoso front-end benchmark — ${results.date} — ${results.machine}`);
console.log("\n/pkg files (KB): raw, served gzip, served brotli, Content-Encoding (br), Cache-Control");
results.files = [];
const files = fs.readdirSync(pkgDir, { recursive: true }).map(String).filter((n) => fs.statSync(path.join(pkgDir, n)).isFile());
for (const name of files.filter((n) => !n.endsWith(".gz") && !n.endsWith(".br")).sort()) {
  const raw = fs.statSync(path.join(pkgDir, name)).size;
  const gz = await get(`${base}/pkg/${name}`, { "accept-encoding": "gzip" });
  const br = await get(`${base}/pkg/${name}`, { "accept-encoding": "br, gzip" });
  results.files.push({ name, raw, gzip: gz.bytes, brotli: br.bytes, encoding: br.headers["content-encoding"] ?? "none", cacheControl: br.headers["cache-control"] ?? "" });
  console.log(`  ${pad(name, 44)} ${padl(kb(raw), 8)} ${padl(kb(gz.bytes), 8)} ${padl(kb(br.bytes), 8)}  ${pad(br.headers["content-encoding"] ?? "none", 5)} ${br.headers["cache-control"] ?? ""}`);
}

// 2. A citizen's first visit and each later page, in Chromium, counting JS and wasm transferred.
const codes = fs
  .readFileSync(path.join(dataDir, "demo-enrolment-codes.txt"), "utf8")
  .split("\n")
  .map((line) => line.match(/^(\w+)\s+(.*?)\s+CCCD (\d{12})\s+code (\S+)$/))
  .filter(Boolean)
  .filter((m) => m[1] === "citizen");
const adult = codes.find((m) => /Lan|Thị/.test(m[2])) ?? codes[0];
const browser = await chromium.launch({ executablePath: chrome, args: ["--headless", "--no-sandbox", "--disable-gpu"] });
const passkeyOptions = { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true };
const settle = (p) => p.waitForLoadState("networkidle");

// The citizen enrols in a browser of their own first (the enrolment page is not part of the
// visit measured), and the passkey it made is copied into a second, empty browser profile.
const enrolling = await browser.newContext({ baseURL: base, locale: "vi-VN" });
const enrolPage = await enrolling.newPage();
const enrolCdp = await enrolling.newCDPSession(enrolPage);
await enrolCdp.send("WebAuthn.enable");
const { authenticatorId: enrolAuthenticator } = await enrolCdp.send("WebAuthn.addVirtualAuthenticator", { options: passkeyOptions });
await enrolPage.goto("/enrol");
await settle(enrolPage);
await enrolPage.getByLabel("Số CCCD").fill(adult[3]);
await enrolPage.getByLabel("Mã đăng ký").fill(adult[4]);
await enrolPage.waitForFunction(() => [...document.querySelectorAll("button")].some((b) => b.textContent.includes("Tạo khóa truy cập") && !b.disabled));
await enrolPage.getByRole("button", { name: /Tạo khóa truy cập/ }).click();
await enrolPage.waitForURL("**/record");
const { credentials } = await enrolCdp.send("WebAuthn.getCredentials", { authenticatorId: enrolAuthenticator });
await enrolling.close();

// The visit measured: an empty cache, the sign-in page, a passkey sign-in, the record overview.
const context = await browser.newContext({ baseURL: base, locale: "vi-VN" });
const page = await context.newPage();
const cdp = await context.newCDPSession(page);
await cdp.send("Network.enable");
const requests = new Map();
let fetched = [];
cdp.on("Network.responseReceived", ({ requestId, response }) => requests.set(requestId, response.url));
cdp.on("Network.loadingFinished", ({ requestId, encodedDataLength }) => {
  const url = requests.get(requestId) ?? "";
  if (/\/pkg\/.*\.(js|wasm)$/.test(new URL(url, base).pathname) && encodedDataLength > 0) fetched.push({ url, bytes: encodedDataLength });
});
await cdp.send("WebAuthn.enable");
const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", { options: passkeyOptions });
for (const credential of credentials) await cdp.send("WebAuthn.addCredential", { authenticatorId, credential });

await page.goto("/");
await settle(page);
const signInBytes = fetched.reduce((s, f) => s + f.bytes, 0);
await page.waitForFunction(() => [...document.querySelectorAll("button")].some((b) => b.textContent.includes("Đăng nhập bằng khóa truy cập") && !b.disabled));
await page.getByRole("button", { name: /Đăng nhập bằng khóa truy cập/ }).click();
await page.waitForURL("**/record");
await settle(page);
const firstVisit = fetched.reduce((s, f) => s + f.bytes, 0);
results.firstVisit = { signIn: signInBytes, total: firstVisit, files: fetched.map((f) => new URL(f.url).pathname) };
const wasPrevious = previous.firstVisit ? ` (previous ${previous.firstVisit.date}: ${kb(previous.firstVisit.total)} KB)` : "";
console.log(`\nfirst visit (sign-in page, passkey sign-in, record overview; empty cache): JS + wasm transferred ${kb(firstVisit)} KB (sign-in page alone ${kb(signInBytes)} KB); target ≤ 250 KB${wasPrevious}`);
console.log(`  fetched: ${results.firstVisit.files.join(", ")}`);
results.laterPages = {};
for (const route of ["/record/vaccinations", "/record/visits", "/record/sharing", "/record/access-log", "/record/vaccinations/card", "/verify", "/account/passkeys"]) {
  fetched = [];
  await page.goto(route);
  await settle(page);
  const bytes = fetched.reduce((s, f) => s + f.bytes, 0);
  results.laterPages[route] = bytes;
  console.log(`  later page ${pad(route, 28)} extra JS + wasm ${padl(kb(bytes), 7)} KB${fetched.length ? "  (" + fetched.map((f) => new URL(f.url).pathname).join(", ") + ")" : ""}; target ≤ 60 KB`);
}
const session = (await context.cookies()).find((c) => c.name.includes("hoso_session"));
await browser.close();
if (!session) throw new Error("no session cookie after signing in");
const cookie = `${session.name}=${session.value}`;

// 3. Server render, one request at a time, beside /healthz.
async function timings(route, headers, n = 200) {
  for (let i = 0; i < 20; i++) await get(`${base}${route}`, headers);
  const times = [];
  for (let i = 0; i < n; i++) {
    const start = process.hrtime.bigint();
    const answer = await get(`${base}${route}`, headers);
    if (answer.status !== 200) throw new Error(`${route}: ${answer.status}`);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(n * 0.5)], p99: times[Math.floor(n * 0.99)] };
}
console.log("\nserver render, 1 request at a time (ms): p50, p99; target p50 ≤ 5");
results.render = {};
for (const [route, headers] of [["/healthz", {}], ["/record", { cookie }], ["/record/vaccinations", { cookie }]]) {
  const t = await timings(route, headers);
  results.render[route] = t;
  console.log(`  ${pad(route, 24)} ${padl(t.p50.toFixed(2), 7)} ${padl(t.p99.toFixed(2), 7)}`);
}

// 4. Lighthouse, mobile defaults.
const lighthouse = path.join(process.env.HOSO_TOOLS_DIR ?? path.join(os.homedir(), ".cache/hoso/tools"), "node_modules/.bin/lighthouse");
const headersFile = path.join(dataDir, "lighthouse-headers.json");
fs.writeFileSync(headersFile, JSON.stringify({ Cookie: cookie }));
results.lighthouse = {};
console.log("\nLighthouse (mobile; default simulated throttling, then the same throttling applied): performance, accessibility, best practices, LCP s, TBT ms, CLS, interactive s");
console.log("  targets:           ≥ 95, = 100, ≥ 95, ≤ 2.0, ≤ 150, ≤ 0.02, ≤ 3.5");
for (const [route, signedIn] of [["/", false], ["/record", true], ["/record/vaccinations", true], ["/verify", false]]) {
  for (const method of ["simulate", "devtools"]) {
    const out = path.join(dataDir, "lighthouse.json");
    const args = [
      `${base}${route}`, "--quiet", "--output=json", `--output-path=${out}`,
      "--only-categories=performance,accessibility,best-practices",
      "--chrome-flags=--headless --no-sandbox --disable-gpu", `--throttling-method=${method}`,
    ];
    if (signedIn) args.push(`--extra-headers=${headersFile}`);
    execFileSync(lighthouse, args, { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, CHROME_PATH: chrome } });
    const report = JSON.parse(fs.readFileSync(out, "utf8"));
    const score = (c) => Math.round((report.categories[c]?.score ?? 0) * 100);
    const audit = (a) => report.audits[a]?.numericValue ?? NaN;
    const r = {
      finalUrl: report.finalDisplayedUrl ?? report.finalUrl,
      performance: score("performance"), accessibility: score("accessibility"), bestPractices: score("best-practices"),
      lcp: audit("largest-contentful-paint") / 1000, tbt: audit("total-blocking-time"), cls: audit("cumulative-layout-shift"), interactive: audit("interactive") / 1000,
    };
    if (method === "devtools") {
      // The same throttling applied to the real page load instead of simulated from an unthrottled
      // trace (Lantern): Lantern counts every request that ended before the unthrottled first paint
      // (now the whole main wasm, small enough to finish first) as holding up LCP; this shows
      // whether the page really waits for it.
      results.lighthouse[`${route} (devtools throttling)`] = r;
      console.log(`  ${pad("  same, devtools", 22)} ${padl(r.performance, 4)} ${padl(r.accessibility, 4)} ${padl(r.bestPractices, 4)} ${padl(r.lcp.toFixed(2), 6)} ${padl(Math.round(r.tbt), 6)} ${padl(r.cls.toFixed(3), 6)} ${padl(r.interactive.toFixed(1), 6)}`);
      continue;
    }
    results.lighthouse[route] = r;
    const was = previous.lighthouse?.[route];
    console.log(
      `  ${pad(route, 22)} ${padl(r.performance, 4)} ${padl(r.accessibility, 4)} ${padl(r.bestPractices, 4)} ${padl(r.lcp.toFixed(2), 6)} ${padl(Math.round(r.tbt), 6)} ${padl(r.cls.toFixed(3), 6)} ${padl(r.interactive.toFixed(1), 6)}` +
        (was ? `   (previous ${was.date}: ${was.performance} perf, TBT ${was.tbt}, interactive ${was.interactive} s)` : "") +
        (r.finalUrl && new URL(r.finalUrl).pathname !== route ? `  [landed on ${new URL(r.finalUrl).pathname}]` : ""),
    );
  }
}

// 5. Beside the previous figures.
const wasm = results.files.find((f) => /^hoso\..*\.wasm$/.test(f.name));
console.log(`\nprevious (${previous.date}, ${previous.source}): wasm ${previous.wasm.raw} bytes raw, served ${previous.wasm.encoding}, cache ${previous.wasm.cacheControl}`);
console.log(`now: main wasm ${wasm?.raw} bytes raw, ${wasm?.brotli} bytes as served (${wasm?.encoding}), cache ${wasm?.cacheControl}`);
fs.writeFileSync(path.join(dataDir, "..", `hoso-bench-web-${results.date}.json`), JSON.stringify(results, null, 2));
console.log(`\nall figures as JSON: ${path.join(dataDir, "..", `hoso-bench-web-${results.date}.json`)}`);
