// How the release build reaches a browser (issue 17): the wasm, its JavaScript and the stylesheet
// are content-named (hoso.<hash>.wasm), arrive compressed with the build's own copies and are
// cached for a year; the next page takes them from the cache instead of the network; pages are
// compressed as sent and never cached. Run against the real release server in Chromium.
import http from "node:http";
import { test, expect } from "@playwright/test";

const ASSET = /\/pkg\/hoso\.[A-Za-z0-9_-]{8,}\.(wasm|js|css)$/;
// Everything cargo-leptos names after its content: the three files above, and with --split the
// chunk loader (__wasm_split.<hash>.js) and the pages' wasm chunks (split_<page>_….<hash>.wasm).
const CONTENT_NAMED = /^\/pkg\/(hoso|__wasm_split|split_\w+|chunk_\d+)\.[A-Za-z0-9_-]{22}\.(wasm|js|css)$/;

/** A GET with `accept-encoding`, body as sent (not decoded). */
function rawGet(url: string, acceptEncoding: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; bytes: number }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { "accept-encoding": acceptEncoding } }, (response) => {
        let bytes = 0;
        response.on("data", (chunk: Buffer) => (bytes += chunk.length));
        response.on("end", () => resolve({ status: response.statusCode!, headers: response.headers, bytes }));
      })
      .on("error", reject);
  });
}

test("content-named assets arrive compressed, are cached for a year and are not fetched again; pages are not cached", async ({ page, context, baseURL }) => {
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  const fromNetwork = new Map<string, { url: string; encoding: string; cacheControl: string }>();
  const fromCache = new Set<string>();
  cdp.on("Network.responseReceived", ({ requestId, response }) => {
    if (!new URL(response.url).pathname.startsWith("/pkg/")) return;
    // Memory-cache hits announce themselves first (requestServedFromCache), disk hits here.
    if (fromCache.has(requestId) || response.fromDiskCache || response.fromPrefetchCache) fromCache.add(requestId);
    else
      fromNetwork.set(requestId, {
        url: response.url,
        encoding: String(response.headers["content-encoding"] ?? response.headers["Content-Encoding"] ?? ""),
        cacheControl: String(response.headers["cache-control"] ?? response.headers["Cache-Control"] ?? ""),
      });
  });
  cdp.on("Network.requestServedFromCache", ({ requestId }) => fromCache.add(requestId));

  const first = await page.goto("/");
  expect(first!.headers()["cache-control"]).toBe("no-store");
  await page.waitForLoadState("networkidle");
  const assets = [...fromNetwork.values()];
  const kinds = new Set(assets.map((a) => ASSET.exec(new URL(a.url).pathname)?.[1]).filter((kind) => kind !== undefined));
  expect([...kinds].sort(), JSON.stringify(assets)).toEqual(["css", "js", "wasm"]);
  for (const asset of assets) {
    // wasm-bindgen's snippets (small JS files the wasm imports) keep their names between builds:
    // revalidated, never a year.
    const contentNamed = CONTENT_NAMED.test(new URL(asset.url).pathname);
    expect(asset.cacheControl, asset.url).toBe(contentNamed ? "public, max-age=31536000, immutable" : "no-cache");
    if (!contentNamed) expect(new URL(asset.url).pathname, asset.url).toMatch(/^\/pkg\/snippets\//);
    expect(["br", "gzip"], `${asset.url} sent with ${asset.encoding || "no"} encoding`).toContain(asset.encoding);
  }

  // The next page needs the same three files and takes them from the browser's cache.
  fromNetwork.clear();
  fromCache.clear();
  await page.goto("/verify");
  await page.waitForLoadState("networkidle");
  const again = [...fromNetwork.values()].map((a) => a.url);
  // (/verify's own chunk is new, so it may come; what the first page fetched does not again.)
  const firstNames = new Set(assets.map((a) => new URL(a.url).pathname));
  expect(again.filter((url) => firstNames.has(new URL(url).pathname) && CONTENT_NAMED.test(new URL(url).pathname)), "no content-named file fetched again").toEqual([]);
  expect(fromCache.size).toBeGreaterThanOrEqual(2);

  // Brotli when the client takes it, gzip otherwise, for the wasm and the page itself.
  const wasm = assets.find((a) => ASSET.test(new URL(a.url).pathname) && a.url.endsWith(".wasm"))!.url;
  const brotli = await rawGet(wasm, "br, gzip");
  const gzip = await rawGet(wasm, "gzip");
  const identity = await rawGet(wasm, "identity");
  expect(brotli.headers["content-encoding"]).toBe("br");
  expect(gzip.headers["content-encoding"]).toBe("gzip");
  expect(identity.headers["content-encoding"]).toBeUndefined();
  expect(String(brotli.headers["vary"]).toLowerCase()).toContain("accept-encoding");
  expect(brotli.bytes).toBeLessThan(gzip.bytes);
  expect(gzip.bytes).toBeLessThan(identity.bytes / 2);
  const signIn = await rawGet(`${baseURL}/`, "br");
  expect(signIn.headers["content-encoding"]).toBe("br");
  expect(signIn.headers["cache-control"]).toBe("no-store");
  // An old build's name is a 404 that no cache keeps.
  const stale = await rawGet(`${baseURL}/pkg/hoso.0ld-bu1ld.wasm`, "br");
  expect(stale.status).toBe(404);
  expect(stale.headers["cache-control"]).toBe("no-store");
});
