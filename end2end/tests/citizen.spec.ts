import fs from "node:fs";
import { test, expect, type Browser, type Cookie } from "@playwright/test";
import { execFile } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import jsQR from "jsqr";
import pngjs from "pngjs";
import {
  addVirtualAuthenticator,
  citizen,
  credentialCount,
  enrol,
  expectAccessible,
  hydrated,
  watchErrors,
} from "./support";

// One story, in order: enrolment codes are single-use, so later steps build on earlier ones.
test.describe.configure({ mode: "serial" });

let otherPatientsVisit = "";
let hungCookies: Cookie[] = [];
let lanCookies: Cookie[] = [];
let lanVisit = "";

async function jsOffContext(browser: Browser, cookies: Cookie[]) {
  const context = await browser.newContext({ javaScriptEnabled: false });
  await context.addCookies(cookies);
  return context;
}

test("bad enrolment input gets a clear message and nothing happens", async ({ page }) => {
  const lan = citizen("Lan");
  await page.goto("/enrol");
  await hydrated(page, /Tạo khóa truy cập/);
  await page.getByLabel("Số CCCD").fill("12345");
  await page.getByLabel("Mã đăng ký").fill(lan.code);
  await page.getByRole("button", { name: /Tạo khóa truy cập/ }).click();
  await expect(page.getByRole("alert")).toContainText("Số CCCD phải gồm đúng 12 chữ số.");

  await page.getByLabel("Số CCCD").fill(lan.cccd);
  await page.getByLabel("Mã đăng ký").fill("AAAA-BBBB-CCCC");
  await page.getByRole("button", { name: /Tạo khóa truy cập/ }).click();
  await expect(page.getByRole("alert")).toContainText("không đúng, đã được dùng hoặc đã hết hạn");
  await expect(page).toHaveURL(/\/enrol$/);
});

test("another citizen enrols (their visit is the one we will try to open)", async ({ context, page }) => {
  await addVirtualAuthenticator(context, page);
  await enrol(page, citizen("Hùng"));
  await page.getByRole("link", { name: "Lần khám", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Các lần khám" })).toBeVisible();
  const href = await page.getByRole("link", { name: /Xem chi tiết/ }).first().getAttribute("href");
  expect(href).toMatch(/^\/record\/visits\/[0-9a-f-]{36}$/);
  otherPatientsVisit = href!;
  hungCookies = await context.cookies();
});

test("enrol with a code, register a passkey, sign out, sign in, see vaccinations, be refused another's visit", async ({
  context,
  page,
}) => {
  const errors = watchErrors(page);
  const authenticator = await addVirtualAuthenticator(context, page);
  const lan = citizen("Lan");
  await enrol(page, lan);
  expect(await credentialCount(context, page, authenticator)).toBe(1);
  await expect(page.getByText("Nguyễn Thị Lan")).toBeVisible();

  // The session cookie is __Host-, HttpOnly, Secure, SameSite=Strict.
  const session = (await context.cookies()).find((c) => c.name === "__Host-hoso_session");
  expect(session).toMatchObject({ httpOnly: true, secure: true, sameSite: "Strict", path: "/" });

  await page.getByRole("button", { name: "Đăng xuất" }).click();
  await expect(page.getByRole("status")).toContainText("Bạn đã đăng xuất.");
  await page.goto("/record/vaccinations");
  await expect(page.getByText("Bạn cần đăng nhập để xem trang này.")).toBeVisible();

  await page.goto("/");
  await hydrated(page, /Đăng nhập bằng khóa truy cập/);
  await page.getByRole("button", { name: /Đăng nhập bằng khóa truy cập/ }).click();
  await page.waitForURL("**/record");

  await page.getByRole("link", { name: "Tiêm chủng", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Lịch sử tiêm chủng" })).toBeVisible();
  const covid = page.locator("section.vaccine", { hasText: /Comirnaty|Vaxzevria|COVID/ }).first();
  await expect(covid.getByRole("columnheader", { name: "Số lô" })).toBeVisible();
  expect(await covid.getByRole("row").count()).toBeGreaterThan(1);

  await page.goto(otherPatientsVisit);
  await expect(page.getByText("Bạn không có quyền xem thông tin này.")).toBeVisible();
  await expect(page.getByText("Hoàng Văn Hùng")).toHaveCount(0);

  await page.goto("/record/visits");
  lanVisit = (await page.getByRole("link", { name: /Xem chi tiết/ }).first().getAttribute("href"))!;

  // "Download my whole record": a FHIR Bundle of the patient and every stored resource.
  await page.goto("/record");
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Tải toàn bộ hồ sơ của tôi" }).click(),
  ]);
  expect(download.suggestedFilename()).toBe("ho-so-suc-khoe.fhir.json");
  const bundle = JSON.parse(fs.readFileSync((await download.path())!, "utf8"));
  expect(bundle.resourceType).toBe("Bundle");
  const kinds = new Set(bundle.entry.map((e: { resource: { resourceType: string } }) => e.resource.resourceType));
  for (const kind of ["Patient", "Immunization", "Encounter"]) expect(kinds.has(kind), kind).toBeTruthy();
  expect(bundle.entry.filter((e: { resource: { resourceType: string } }) => e.resource.resourceType === "Patient")).toHaveLength(1);

  // An API token for immunizations and visits, created in the browser, and the same record read
  // back with it by an independent FHIR client (PyPI fhirpy) over HTTP, following paging links.
  await page.goto("/account/passkeys");
  await hydrated(page, /Tạo mã truy cập API/);
  await page.getByLabel("Tên ứng dụng").fill("Sổ sức khỏe trên điện thoại");
  await page.getByRole("checkbox", { name: "Tiêm chủng" }).check();
  await page.getByRole("checkbox", { name: "Lần khám" }).check();
  await page.getByRole("button", { name: "Tạo mã truy cập API" }).click();
  const token = (await page.getByTestId("api-token-value").textContent())!.trim();
  expect(token).toMatch(/^hoso_pat_/);
  await expect(page.getByTestId("api-token")).toContainText("Sổ sức khỏe trên điện thoại");
  await expectAccessible(page);
  const patientId = bundle.entry.find((e: { resource: { resourceType: string } }) => e.resource.resourceType === "Patient").resource.id;
  const idsOf = (kind: string) =>
    bundle.entry.filter((e: { resource: { resourceType: string; id: string } }) => e.resource.resourceType === kind).map((e: { resource: { id: string } }) => e.resource.id).sort();
  const python = path.join(process.env.HOSO_TOOLS_DIR ?? path.join(os.homedir(), ".cache", "hoso", "tools"), "venv", "bin", "python");
  const { stdout } = await promisify(execFile)(python, [path.join(import.meta.dirname, "..", "fhir", "readback.py"), `${test.info().project.use.baseURL}/fhir`, token, patientId]);
  const readBack = JSON.parse(stdout.trim().split("\n").pop()!);
  expect(readBack.Patient).toBe(patientId);
  expect(readBack.Immunization).toEqual(idsOf("Immunization"));
  expect(readBack.Encounter).toEqual(idsOf("Encounter"));
  expect(readBack.Immunization.length).toBeGreaterThan(2);
  expect(readBack.Condition).toMatch(/^refused/);

  // Every signed-in page, hydrated, passes axe-core without serious or critical violations.
  for (const path of ["/record", "/record/vaccinations", "/record/visits", lanVisit, "/account/passkeys"]) {
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await expectAccessible(page);
  }
  lanCookies = await context.cookies();
  // The signed-out page answers 401 and the refused visit 403 (the browser logs both as failed
  // resources); nothing else may fail:
  // no hydration panic, no CSP violation.
  expect(errors.filter((e) => !/status of 40[13]/.test(e))).toEqual([]);
});

// Code splitting (issue 17): every page but sign-in and the record overview is a lazy route whose
// code is its own wasm chunk (cargo leptos build --split). A citizen's pages fetch no chunk of the
// administrators' console or the clinician pages; a chunk is only fetched for a page that needs it,
// content-named, compressed and cached for a year. The chunk loader's own table shows the staff
// chunks' names are the ones looked for.
test("a citizen's pages fetch none of the console's or the clinicians' code; each page's chunk is compressed and cached", async ({ browser }) => {
  const context = await browser.newContext();
  await context.addCookies(lanCookies);
  const page = await context.newPage();
  const errors = watchErrors(page);
  const wasm: { path: string; encoding: string; cacheControl: string }[] = [];
  const seen: string[] = [];
  page.on("response", async (response) => {
    const path = new URL(response.url()).pathname;
    seen.push(path);
    if (path.startsWith("/pkg/") && path.endsWith(".wasm")) {
      const headers = await response.allHeaders();
      wasm.push({ path, encoding: headers["content-encoding"] ?? "", cacheControl: headers["cache-control"] ?? "" });
    }
  });
  const chunkOf = (route: string) => new RegExp(`^/pkg/split_+${route}_route_view_\\d+\\.[A-Za-z0-9_-]{22}\\.wasm$`);
  const STAFF = /^\/pkg\/split_+(admin|find_patient|clinician_patient)/;

  // The first page of a visit: the overview is in the main bundle, so no chunk.
  await page.goto("/record");
  await expect(page.getByRole("heading", { level: 1, name: "Hồ sơ sức khỏe của tôi" })).toBeVisible();
  await page.waitForLoadState("networkidle");
  expect(wasm.map((w) => w.path), "the overview needs only the main bundle").toEqual([expect.stringMatching(/^\/pkg\/hoso\.[A-Za-z0-9_-]{22}\.wasm$/)]);

  // Then every citizen page as a first visit (a full load: the page's chunk comes with it).
  const citizenPages: [string, string, string][] = [
    ["/record/vaccinations", "vaccinations", "Lịch sử tiêm chủng"],
    ["/record/visits", "visits", "Các lần khám"],
    ["/record/sharing", "sharing", "Chia sẻ hồ sơ"],
    ["/record/access-log", "access_log", "Ai đã xem hồ sơ của tôi"],
    ["/account/passkeys", "passkeys", "Khóa truy cập của tôi"],
    [lanVisit, "visit_detail", ""],
    ["/record/vaccinations/card", "card", ""],
  ];
  for (const [path, route, heading] of citizenPages) {
    wasm.length = 0;
    await page.goto(path);
    if (heading) await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
    else await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await page.waitForLoadState("networkidle");
    const chunks = wasm.filter((w) => w.path.includes("/split_"));
    expect(chunks.map((c) => c.path), `${path} fetches its own chunk`).toContainEqual(expect.stringMatching(chunkOf(route)));
    expect(wasm.filter((w) => STAFF.test(w.path)).map((w) => w.path), `${path} fetches no staff code`).toEqual([]);
    for (const fetched of wasm) {
      expect(fetched.cacheControl, fetched.path).toBe("public, max-age=31536000, immutable");
      expect(["br", "gzip"], `${fetched.path} sent with ${fetched.encoding || "no"} encoding`).toContain(fetched.encoding);
    }
  }
  // Moving between the pages in one document: the menu's links, no full reload.
  await page.goto("/record");
  await page.waitForLoadState("networkidle");
  wasm.length = 0;
  await page.getByRole("link", { name: "Tiêm chủng", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Lịch sử tiêm chủng" })).toBeVisible();
  await page.getByRole("link", { name: "Lần khám", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Các lần khám" })).toBeVisible();
  await page.waitForLoadState("networkidle");
  expect(wasm.filter((w) => STAFF.test(w.path)).map((w) => w.path)).toEqual([]);

  // The names looked for are the real ones: the chunk loader this build sent (its table of every
  // page's chunk) names the console's and the clinicians' chunks that way.
  const loader = seen.find((path) => /^\/pkg\/__wasm_split\.[A-Za-z0-9_-]{22}\.js$/.test(path));
  expect(loader, "the chunk loader was fetched").toBeDefined();
  const table = await (await page.request.get(loader!)).text();
  for (const staff of ["admin_home", "admin_people", "admin_audit", "find_patient", "clinician_patient"]) {
    expect(table, staff).toMatch(new RegExp(`split_+${staff}_route_view_\\d+\\.[A-Za-z0-9_-]{22}\\.wasm`));
  }
  expect(errors.filter((e) => !/status of 40[13]/.test(e))).toEqual([]);
  await context.close();
});

/** Runs the independent SMART Health Card implementation (see shc-check.cjs). */
async function shcSdk(...args: string[]) {
  const script = path.join(import.meta.dirname, "shc-check.cjs");
  const { stdout } = await promisify(execFile)(process.execPath, [script, ...args], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout);
}

/** The same `shc:/` text with one character of the signature changed (still well-formed). */
function alterSignature(shc: string): string {
  const at = shc.length - 10; // a pair boundary: "shc:/" is 5 characters, then 2 digits per character
  const pair = shc.slice(at, at + 2);
  const replacement = pair === "20" ? "21" : "20";
  return shc.slice(0, at) + replacement + shc.slice(at + 2);
}

test("a citizen issues a vaccination certificate that independent tools decode and verify, and the public checker accepts", async ({
  browser,
  baseURL,
}) => {
  // A high-density screen, as a phone showing the code would have: the decoder reads pixels.
  const context = await browser.newContext({ deviceScaleFactor: 3 });
  await context.addCookies(lanCookies);
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto("/record/vaccinations");
  await page.getByRole("link", { name: "Chứng nhận QR" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Chứng nhận tiêm chủng (SMART Health Card)" })).toBeVisible();
  await page.getByLabel(/^Các mũi COVID-19/).check();
  await page.getByRole("button", { name: "Tạo chứng nhận" }).click();
  await page.waitForURL(/selection=covid/);

  // The QR code is visible and large enough to print and scan.
  const qr = page.getByTestId("card-qr");
  await expect(qr.locator("svg")).toBeVisible();
  const box = await qr.boundingBox();
  expect(box!.width).toBeGreaterThanOrEqual(300);
  await expect(page.getByTestId("card-holder")).toHaveText("Nguyễn Thị Lan");
  const shc = await page.getByTestId("card-shc").inputValue();
  expect(shc).toMatch(/^shc:\/\d+$/);

  // An independent QR decoder reads the rendered code back to the same text.
  const png = pngjs.PNG.sync.read(await qr.screenshot({ path: test.info().outputPath("qr.png") }));
  const decoded = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
  expect(decoded?.data).toBe(shc);

  // An independent SMART Health Card implementation verifies it against the published keys.
  const verified = await shcSdk("unpack-and-verify", shc);
  expect(verified.ok).toBe(true);
  expect(verified.credential.iss).toBe(baseURL);
  const bundle = verified.credential.vc.credentialSubject.fhirBundle;
  expect(bundle.entry[0].resource).toMatchObject({ resourceType: "Patient", name: [{ family: "Nguyễn", given: ["Thị", "Lan"] }] });
  expect(bundle.entry.length).toBeGreaterThan(1);
  // ... and refuses a changed byte, and a card signed by another key in the portal's name.
  expect((await shcSdk("unpack-and-verify", alterSignature(shc))).ok).toBe(false);
  const forged: string = (await shcSdk("forge", shc, baseURL!)).shc;
  expect((await shcSdk("unpack-and-verify", forged)).ok).toBe(false);

  // The file download holds the same kind of credential.
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: /Tải tệp \.smart-health-card/ }).click()]);
  expect(download.suggestedFilename()).toMatch(/\.smart-health-card$/);
  const file = JSON.parse(fs.readFileSync((await download.path())!, "utf8"));
  expect((await shcSdk("verify-jws", file.verifiableCredential[0])).ok).toBe(true);
  await expectAccessible(page);

  // The public checker, signed out: valid for the card, a clear refusal for the altered and forged ones.
  const anonymous = await browser.newContext();
  const checker = await anonymous.newPage();
  const checkerErrors = watchErrors(checker);
  await checker.goto("/verify");
  await hydrated(checker, /^Kiểm tra$/);
  const check = async (code: string) => {
    await checker.getByLabel("Mã chứng nhận (shc:/…)").fill(code);
    await checker.getByRole("button", { name: "Kiểm tra", exact: true }).click();
  };
  await check(shc);
  await expect(checker.getByTestId("card-outcome")).toHaveAttribute("data-outcome", "valid");
  await expect(checker.getByTestId("verified-holder")).toHaveText("Nguyễn Thị Lan");
  await expectAccessible(checker);
  await check(alterSignature(shc));
  await expect(checker.getByTestId("card-outcome")).toHaveAttribute("data-outcome", "bad_signature");
  await expect(checker.getByTestId("card-outcome")).toContainText("Không hợp lệ");
  await expect(checker.getByTestId("verified-holder")).toHaveCount(0);
  await check(forged);
  await expect(checker.getByTestId("card-outcome")).toHaveAttribute("data-outcome", "bad_signature");
  expect(errors).toEqual([]);
  expect(checkerErrors).toEqual([]);
  await anonymous.close();
  await context.close();
});

// FIXME (issue 19, open): after a client-side navigation from /record/family the "acting for"
// banner is not rendered (the page renders it on the server, and the Rust tests check that); until
// that is fixed this story is declared, not run.
test.fixme("a mother opens her infant's schedule, issues the infant's certificate and reads the infant's log, which names her", async ({
  browser,
}) => {
  const context = await browser.newContext();
  await context.addCookies(lanCookies);
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto("/record");
  await page.getByRole("link", { name: "Gia đình", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Gia đình" })).toBeVisible();
  const infant = page.getByTestId("family-child").filter({ hasText: "Trần Gia Bảo" });
  await expect(infant).toContainText("Giấy khai sinh");
  await expect(infant).toContainText("Đang có hiệu lực");
  await expectAccessible(page);

  // The infant's schedule, under a banner that says whose record this is.
  await infant.getByTestId("child-vaccinations").click();
  await expect(page.getByRole("heading", { level: 1, name: "Lịch sử tiêm chủng" })).toBeVisible();
  await expect(page.getByTestId("acting-for")).toContainText("Bạn đang xem hồ sơ của Trần Gia Bảo");
  await expect(page.getByRole("heading", { name: "Đã tiêm gì, sắp đến hạn gì" })).toBeVisible();
  await expect(page.getByText("Trần Gia Bảo").first()).toBeVisible();
  await expectAccessible(page);

  // The infant's certificate names the infant.
  await page.getByRole("link", { name: "Chứng nhận QR" }).click();
  await expect(page.getByTestId("acting-for")).toBeVisible();
  await page.getByRole("radio").first().check();
  await page.getByRole("button", { name: "Tạo chứng nhận" }).click();
  await page.waitForURL(/selection=/);
  expect(page.url()).toContain("for=");
  await expect(page.getByTestId("card-holder")).toHaveText("Trần Gia Bảo");
  await expectAccessible(page);

  // The infant's access log names the mother, as guardian; the switch leads back to her own record.
  await page.getByRole("link", { name: "Nhật ký truy cập", exact: true }).click();
  await expect(page.getByTestId("acting-for")).toBeVisible();
  await expect(page.locator("table")).toContainText("Nguyễn Thị Lan");
  await expect(page.locator("table")).toContainText("Người giám hộ");
  await expectAccessible(page);
  await page.getByRole("link", { name: "Hồ sơ của tôi" }).click();
  await expect(page.getByTestId("acting-for")).toHaveCount(0);
  await expect(page.getByText("Nguyễn Thị Lan").first()).toBeVisible();

  // With JavaScript off, the family page and the infant's pages work the same.
  const off = await jsOffContext(browser, lanCookies);
  const plain = await off.newPage();
  await plain.goto("/record/family");
  await plain.getByTestId("family-child").filter({ hasText: "Trần Gia Bảo" }).getByTestId("child-vaccinations").click();
  await expect(plain.getByTestId("acting-for")).toContainText("Trần Gia Bảo");
  await expect(plain.getByRole("heading", { name: "Đã tiêm gì, sắp đến hạn gì" })).toBeVisible();
  expect(errors).toEqual([]);
  await off.close();
  await context.close();
});

test.fixme("an older man's helper reads only the parts he chose, his log names her, and ending the link refuses her next request", async ({
  browser,
}) => {
  // Two people at once: Lan (the helper the demo man chose) and Hùng himself.
  const helperContext = await browser.newContext();
  await helperContext.addCookies(lanCookies);
  const helper = await helperContext.newPage();
  const errors = watchErrors(helper);
  const personContext = await browser.newContext();
  await personContext.addCookies(hungCookies);
  const person = await personContext.newPage();

  await helper.goto("/record/family");
  const helping = helper.getByTestId("helping").filter({ hasText: "Hoàng Văn Hùng" });
  await expect(helping.getByTestId("helper-state")).toHaveText("Đang có hiệu lực");
  await expect(helping.getByTestId("helper-parts")).toContainText("Tiêm chủng");
  await expectAccessible(helper);
  await helping.getByRole("link", { name: "Tiêm chủng", exact: true }).click();
  await expect(helper.getByRole("heading", { level: 1, name: "Lịch sử tiêm chủng" })).toBeVisible();
  await expect(helper.getByTestId("acting-for")).toContainText("Bạn đang xem hồ sơ của Hoàng Văn Hùng");
  await expect(helper.getByTestId("acting-for")).toContainText("với tư cách người hỗ trợ");
  await expectAccessible(helper);
  const forHung = new URL(helper.url()).searchParams.get("for");
  expect(forHung).toBeTruthy();
  // Visits were not chosen: refused, and nothing of them shown.
  await helper.goto(`/record/visits?for=${forHung}`);
  await expect(helper.getByText("Bạn không có quyền xem thông tin này.")).toBeVisible();
  await expect(helper.locator("table")).toHaveCount(0);

  // Hùng's own log names Lan, as his helper; the filter by basis finds exactly her reads.
  await person.goto("/record/access-log?basis=helper");
  await expect(person.locator("table")).toContainText("Nguyễn Thị Lan");
  await expect(person.locator("table")).toContainText("Người hỗ trợ");
  await expectAccessible(person);

  // He ends it on his family page; her next request is refused.
  await person.goto("/record/family");
  await hydrated(person, /Mời người hỗ trợ/);
  const chosen = person.getByTestId("helper").filter({ hasText: "Nguyễn Thị Lan" });
  await chosen.getByRole("button", { name: "Kết thúc Nguyễn Thị Lan" }).click();
  await expect(person.getByRole("status")).toContainText("Đã kết thúc liên kết");
  await expect(chosen.getByTestId("helper-state")).toContainText("Đã kết thúc");
  await expectAccessible(person);
  await helper.goto(`/record/vaccinations?for=${forHung}`);
  await expect(helper.getByText("Bạn không có quyền xem thông tin này.")).toBeVisible();
  await expect(helper.getByText("Hoàng Văn Hùng")).toHaveCount(0);
  expect(errors.filter((e) => !/status of 403/.test(e))).toEqual([]);
  await helperContext.close();
  await personContext.close();
});

test("with JavaScript off, every record page renders on the server", async ({ browser }) => {
  const context = await jsOffContext(browser, lanCookies);
  const page = await context.newPage();
  await page.goto("/record");
  await expect(page.getByRole("heading", { level: 1, name: "Hồ sơ sức khỏe của tôi" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Dị ứng" })).toBeVisible();
  await page.getByRole("link", { name: "Tiêm chủng", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Lịch sử tiêm chủng" })).toBeVisible();
  await page.goto(lanVisit);
  await expect(page.getByRole("heading", { name: "Kết quả xét nghiệm" })).toBeVisible();
  await expect(page.getByRole("columnheader", { name: "Khoảng tham chiếu" })).toBeVisible();
  await page.goto(otherPatientsVisit);
  await expect(page.getByText("Bạn không có quyền xem thông tin này.")).toBeVisible();
  // Language switch is a plain form: works without JavaScript.
  await page.goto("/record/vaccinations");
  await page.getByRole("button", { name: /English/ }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Vaccination history" })).toBeVisible();
  // Sign-out is a plain form too.
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("status")).toContainText("You have signed out.");
  await context.close();
});

test("anonymous visitors with JavaScript off get the sign-in prompt, not data", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const response = await page.goto("/record/vaccinations");
  expect(response?.status()).toBe(401);
  await expect(page.getByText("Bạn cần đăng nhập để xem trang này.")).toBeVisible();
  await page.goto("/");
  // Without JavaScript the passkey button stays disabled and a <noscript> note explains why.
  // (Chromium driven with scripting disabled over CDP still parses <noscript> as text, so the
  // note is checked in the markup rather than on screen.)
  await expect(page.getByRole("button", { name: "Đăng nhập bằng khóa truy cập" })).toBeDisabled();
  expect(await page.content()).toContain("Khóa truy cập cần JavaScript.");
  await context.close();
});

test("a second passkey can be added, and the last one cannot be removed", async ({ context, page }) => {
  const authenticator = await addVirtualAuthenticator(context, page);
  await enrol(page, citizen("Hân"));
  await page.getByRole("link", { name: "Khóa truy cập", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Khóa truy cập của tôi" })).toBeVisible();
  await expect(page.getByRole("button", { name: /^Xóa/ })).toBeDisabled();
  await expect(page.getByText("Đây là khóa truy cập duy nhất của bạn")).toBeVisible();

  // A second authenticator (a security key) on the same page, used for the new passkey.
  const second = await addVirtualAuthenticator(context, page, "usb");
  const client = await context.newCDPSession(page);
  await client.send("WebAuthn.removeVirtualAuthenticator", { authenticatorId: authenticator });
  await hydrated(page, /Thêm khóa truy cập/);
  await page.getByRole("button", { name: /Thêm khóa truy cập/ }).click();
  await page.waitForURL("**/account/passkeys?status=added");
  await expect(page.getByRole("status")).toContainText("Đã thêm khóa truy cập.");
  expect(await credentialCount(context, page, second)).toBe(1);
  await expect(page.getByRole("button", { name: /^Xóa/ })).toHaveCount(2);
  await page.getByRole("button", { name: /^Xóa/ }).first().click();
  await expect(page.getByRole("status")).toContainText("Đã xóa khóa truy cập.");
  await expect(page.getByRole("button", { name: /^Xóa/ })).toHaveCount(1);
  await expect(page.getByRole("button", { name: /^Xóa/ })).toBeDisabled();
});

test("sign-in and enrolment pages have no serious or critical accessibility violation", async ({ page }) => {
  for (const path of ["/", "/enrol", "/no-such-page"]) {
    await page.goto(path);
    await expectAccessible(page);
  }
});
