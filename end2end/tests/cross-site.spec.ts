// Resource isolation in a real browser: a page on another port of the same host (in production, a
// sibling subdomain: the same site, so SameSite=Strict cookies still go with its requests) that a
// signed-in clinician opens makes the browser load the clinician's patient view in <img> tags,
// fetch the access log and post a form creating an API token. The portal refuses each from the
// Fetch Metadata the browser sends before anything is read, so nothing is written: not a line of
// the patient's access log in the clinician's name, not a token.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { test, expect } from "@playwright/test";
import { addVirtualAuthenticator, demoCodes, hydrated, serverCommand } from "./support";

const DEMO_CLINICIAN_CCCD = "001085004321";

function counts(): { audit_events: number; api_tokens: number } {
  return JSON.parse(serverCommand(["counts"]).split("\n").pop()!);
}

test("a sibling site cannot make a signed-in clinician's browser read a record or write the access log", async ({ browser, baseURL }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await addVirtualAuthenticator(context, page);
  const code = serverCommand(["issue-enrolment-code", "--cccd", DEMO_CLINICIAN_CCCD]).split("\n").pop()!;
  await page.goto("/enrol");
  await hydrated(page, /Tạo khóa truy cập/);
  await page.getByLabel("Số CCCD").fill(DEMO_CLINICIAN_CCCD);
  await page.getByLabel("Mã đăng ký").fill(code);
  await page.getByRole("button", { name: /Tạo khóa truy cập/ }).click();
  await page.waitForURL("**/clinician");
  // A real patient id, found from the portal's own page (that search is audited, as it should be).
  const someone = demoCodes().find((c) => c.role === "citizen")!.cccd;
  const found = await page.evaluate(async (cccd) => {
    const answer = await fetch(`/api/find_patient?identifier=${cccd}`);
    return answer.ok ? await answer.json() : null;
  }, someone);
  expect(found?.patient_id).toBeTruthy();
  const patientId: string = found.patient_id;
  const view = `${baseURL}/api/clinician_view?patient_id=${patientId}&purpose=research`;

  const sibling = http.createServer((_, response) => {
    response.setHeader("content-type", "text/html; charset=utf-8");
    response.end(`<!DOCTYPE html><html><body>
      <img id="a" src="${view}"><img id="b" src="${view}&n=2">
      <script>fetch(${JSON.stringify(`${baseURL}/api/access_log`)}, { credentials: "include", mode: "no-cors" });</script>
      <form id="f" method="post" action="${baseURL}/api/create_api_token">
        <input name="name" value="Ứng dụng lạ"><input name="days" value="30"><input name="categories[0]" value="immunizations">
      </form></body></html>`);
  });
  await new Promise<void>((resolve) => sibling.listen(0, "localhost", resolve));
  const port = (sibling.address() as AddressInfo).port;
  const before = counts();

  // What the sibling page made the browser send to the portal, and what came back (Chromium may
  // withhold an opaque image answer from the page's events; the audit count below is the proof).
  const sent = new Set<string>();
  const statuses: Record<string, number> = {};
  page.on("request", (request) => {
    if (request.url().startsWith(baseURL!)) sent.add(new URL(request.url()).pathname);
  });
  page.on("response", (response) => {
    if (response.url().startsWith(baseURL!)) statuses[new URL(response.url()).pathname] = response.status();
  });
  await page.goto(`http://localhost:${port}/`);
  await page.waitForLoadState("networkidle");
  const posted = page.waitForResponse((response) => response.url().endsWith("/api/create_api_token"));
  await page.evaluate(() => (document.getElementById("f") as HTMLFormElement).submit());
  expect((await posted).status()).toBe(403);
  expect([...sent]).toEqual(expect.arrayContaining(["/api/clinician_view", "/api/access_log", "/api/create_api_token"]));
  // Everything the sibling asks for is under /api/, and each is refused. Other answers seen here
  // are the portal's own page before still finishing (its /pkg chunks, its /favicon.svg, which
  // comes later now that a lazy page's load ends with its chunk); static files are open to any
  // site by design anyway (security::open_to_other_sites).
  const apiStatuses = Object.entries(statuses).filter(([pathname]) => pathname.startsWith("/api/"));
  expect(apiStatuses.map(([pathname]) => pathname)).toEqual(expect.arrayContaining(["/api/create_api_token"]));
  for (const [pathname, status] of apiStatuses) expect(status, pathname).toBe(403);
  await expect(page.locator("body")).not.toContainText("hoso_pat_");

  const after = counts();
  expect(after.audit_events).toBe(before.audit_events);
  expect(after.api_tokens).toBe(before.api_tokens);

  // The same read from the portal's own page is answered (and audited).
  await page.goto("/clinician");
  await page.evaluate(async (url) => (await fetch(url)).status, view.replace(baseURL!, ""));
  expect(counts().audit_events, "the same request from the portal's own page reaches the record's door").toBeGreaterThan(before.audit_events);
  sibling.close();
  await context.close();
});
