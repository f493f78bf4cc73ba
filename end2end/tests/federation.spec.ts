// Federated sign-in in Chromium against a real OpenID provider process (end2end/oidc/provider.mjs,
// the npm package `oidc-provider`, started by the Playwright config on loopback).
//
// An administrator configures the demo facility's provider and links a provider subject to a new
// clinician; a citizen proves who they are at the national provider and enrols a passkey; the
// clinician signs in at the facility's provider and sees only what the citizen shared. Then every
// way a callback can be wrong: unknown subject, tampered state, replayed code (same state, and a
// fresh state), wrong audience, expired ID token, wrong nonce, broken signature, and identity
// proofing with a number that matches no record or a record already enrolled. Each is refused
// with its own page and status, audited with its reason, and creates no account, session, passkey,
// link or enrolment (counted with the server's own `counts` command).
import { test, expect, type Browser, type BrowserContext, type Page, type Response } from "@playwright/test";
import { addVirtualAuthenticator, confirmBySecondAdministrator, demoCodes, expectAccessible, hydrated, serverCommand, type DemoCode } from "./support";

test.describe.configure({ mode: "serial" });

const ISSUER = process.env.HOSO_E2E_OIDC_ISSUER!;
const FACILITY = "Bệnh viện Đa khoa Hoso Demo";
const ADMIN_CCCD = "001190007777";
const DOCTOR = { name: "BS. Lê Văn Phúc", cccd: "001087001111", subject: "bs.phuc" };
const CONFIRM = /Xác nhận bằng khóa truy cập/;

/** A server subcommand against the test database: its last line of output. */
function lastLine(...args: string[]): string {
  return serverCommand(args).split("\n").pop()!;
}

type Counts = { accounts: number; sessions: number; passkeys: number; enrolled_patients: number; links: number };
function counts(): Counts {
  const all = JSON.parse(lastLine("counts"));
  return { accounts: all.accounts, sessions: all.sessions, passkeys: all.passkeys, enrolled_patients: all.enrolled_patients, links: all.links };
}

/** Console errors of the portal's pages (the provider's own pages load a font and a favicon it cannot reach here). */
function watchPortalErrors(page: Page): string[] {
  const errors: string[] = [];
  const atProvider = (url: string) => url.startsWith(ISSUER) || page.url().startsWith(ISSUER);
  page.on("console", (message) => {
    if (message.type() === "error" && !atProvider(message.location().url)) errors.push(`${message.text()} @ ${message.location().url}`);
  });
  page.on("pageerror", (error) => {
    if (!atProvider("")) errors.push(error.message);
  });
  return errors;
}

type Person = { context: BrowserContext; page: Page; errors: string[] };
async function person(browser: Browser, passkeys = true): Promise<Person> {
  const context = await browser.newContext();
  const page = await context.newPage();
  if (passkeys) await addVirtualAuthenticator(context, page);
  return { context, page, errors: watchPortalErrors(page) };
}

/** Signs in at the test provider's own login page (any password; the login is the subject). */
async function providerLogin(page: Page, login: string) {
  await page.waitForURL(`${ISSUER}/**`);
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill("any password");
  await page.getByRole("button", { name: "Sign-in" }).click();
}

/** Waits for the portal's answer to the provider's redirect back. */
function callbackResponse(page: Page): Promise<Response> {
  return page.waitForResponse((response) => response.url().includes("/auth/oidc/callback"));
}

/** Tells the provider to alter the claims of the next ID token it issues. */
async function nextIdToken(page: Page, change: object) {
  const answer = await page.request.post(`${ISSUER}/__test/next-id-token`, { data: change });
  expect(answer.ok()).toBeTruthy();
}

let admin: Person;
let proofed: DemoCode;
let facilityId = "";

test("an administrator configures the facility's provider and links a provider subject to a new clinician", async ({ browser }) => {
  admin = await person(browser);
  // The administrator's way back in from the shell: a fresh code for the staff account (the demo
  // code stays for the review spec).
  const code = lastLine("issue-enrolment-code", "--cccd", ADMIN_CCCD);
  await admin.page.goto("/enrol");
  await hydrated(admin.page, /Tạo khóa truy cập/);
  await admin.page.getByLabel("Số CCCD").fill(ADMIN_CCCD);
  await admin.page.getByLabel("Mã đăng ký").fill(code);
  await admin.page.getByRole("button", { name: /Tạo khóa truy cập/ }).click();
  await admin.page.waitForURL("**/admin");

  await admin.page.getByRole("link", { name: "Người dùng", exact: true }).click();
  await hydrated(admin.page, CONFIRM);
  await admin.page.getByLabel("Họ và tên").fill(DOCTOR.name);
  await admin.page.getByLabel("Số CCCD").fill(DOCTOR.cccd);
  await admin.page.getByRole("button", { name: "Tạo", exact: true }).click();
  await expect(admin.page.getByTestId("issued-code")).toBeVisible();

  await admin.page.getByRole("link", { name: "Cơ sở y tế", exact: true }).click();
  await admin.page.getByRole("link", { name: FACILITY }).click();
  // The facility's page is a lazy route: the address changes once its chunk has arrived.
  await admin.page.waitForURL(/\/admin\/facilities\/[^/]+$/);
  await hydrated(admin.page, CONFIRM);
  facilityId = admin.page.url().split("/").pop()!;
  await expect(admin.page.getByText("Chưa cấu hình: bác sĩ của cơ sở này đăng nhập bằng khóa truy cập.")).toBeVisible();
  await expect(admin.page.getByText(/\/auth\/oidc\/callback/)).toBeVisible();
  await admin.page.getByLabel("Địa chỉ nhà cung cấp (issuer)").fill(ISSUER);
  await admin.page.getByLabel("Mã ứng dụng (client ID)").fill("hoso-facility");
  await admin.page.getByLabel("Khóa bí mật ứng dụng (client secret)").fill("hoso-facility-secret");
  await admin.page.getByRole("button", { name: "Lưu nhà cung cấp" }).click();
  await expect(admin.page.getByText("Đã lưu nhà cung cấp định danh.")).toBeVisible();
  await expect(admin.page.getByTestId("provider")).toContainText(ISSUER);
  await expect(admin.page.getByTestId("provider")).not.toContainText("secret");
  await expectAccessible(admin.page);

  await admin.page.getByRole("link", { name: DOCTOR.name }).click();
  await hydrated(admin.page, CONFIRM);
  await expect(admin.page.getByText("Chưa có liên kết.")).toBeVisible();
  await admin.page.getByLabel("Mã định danh tại nhà cung cấp (subject)").fill(DOCTOR.subject);
  await admin.page.getByRole("button", { name: "Liên kết", exact: true }).click();
  await expect(admin.page.getByTestId("federated-link")).toContainText(DOCTOR.subject);
  await expectAccessible(admin.page);
  // The new clinician's account reads nothing until a second administrator confirms it.
  await confirmBySecondAdministrator(browser, DOCTOR.name);
  expect(admin.errors).toEqual([]);
});

test("a citizen proves who they are at the national provider, enrols a passkey and shares immunizations with the facility", async ({ browser }) => {
  proofed = demoCodes().filter((c) => c.role === "waiting").pop()!;
  const citizen = await person(browser);
  const before = counts();
  const page = citizen.page;
  await page.goto("/enrol");
  await expect(page.getByRole("heading", { name: "Hoặc xác minh danh tính" })).toBeVisible();
  await expectAccessible(page);
  await page.getByRole("link", { name: "Xác minh qua VNeID" }).click();
  const answer = callbackResponse(page);
  await providerLogin(page, proofed.cccd);
  expect((await answer).status()).toBe(200);
  await page.waitForURL("**/enrol?proofed=1");
  await expect(page.getByText("Danh tính của bạn đã được xác minh.")).toBeVisible();
  await expectAccessible(page);
  await hydrated(page, /Tạo khóa truy cập/);
  await page.getByRole("button", { name: /Tạo khóa truy cập/ }).click();
  await page.waitForURL("**/record");
  await expect(page.getByRole("heading", { level: 1, name: "Hồ sơ sức khỏe của tôi" })).toBeVisible();
  // The record bound is the one that carries the verified number.
  await expect(page.getByText(proofed.who, { exact: true })).toBeVisible();
  const after = counts();
  expect(after.enrolled_patients).toBe(before.enrolled_patients + 1);
  expect(after.accounts).toBe(before.accounts + 1);

  await page.getByRole("link", { name: "Chia sẻ", exact: true }).click();
  await page.getByLabel("Tìm bác sĩ hoặc cơ sở y tế").fill("Hoso Demo");
  await page.getByRole("button", { name: "Tìm", exact: true }).click();
  await hydrated(page, /^Chia sẻ$/);
  await page.getByRole("radio", { name: new RegExp(FACILITY) }).first().check();
  await page.getByRole("checkbox", { name: "Tiêm chủng" }).check();
  await page.getByRole("radio", { name: "Điều trị" }).check();
  await page.getByRole("button", { name: "Chia sẻ", exact: true }).click();
  await expect(page.getByText("Đã chia sẻ.")).toBeVisible();
  expect(citizen.errors).toEqual([]);
  await citizen.context.close();
});

test("the clinician chooses the facility, signs in at its provider and sees only what the citizen shared", async ({ browser }) => {
  const doctor = await person(browser, false);
  const page = doctor.page;
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Bác sĩ: đăng nhập qua cơ sở" })).toBeVisible();
  await expectAccessible(page);
  await page.getByRole("link", { name: `Đăng nhập qua ${FACILITY}` }).click();
  const answer = callbackResponse(page);
  await providerLogin(page, DOCTOR.subject);
  expect((await answer).status()).toBe(200);
  await page.waitForURL("**/clinician");
  await expect(page.getByRole("heading", { level: 1, name: "Tìm bệnh nhân" })).toBeVisible();

  await page.getByLabel("Số CCCD hoặc số BHYT").fill(proofed.cccd);
  await page.getByRole("button", { name: "Tìm", exact: true }).click();
  await page.getByRole("link", { name: "Xem hồ sơ" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Hồ sơ bệnh nhân" })).toBeVisible();
  const immunizations = page.getByRole("region", { name: "Tiêm chủng" });
  await expect(immunizations).toBeVisible();
  await expect(immunizations).not.toContainText("Không hiển thị");
  await expect(page.getByRole("region", { name: "Lần khám" })).toContainText("Không hiển thị: Bệnh nhân chưa chia sẻ phần này với bạn.");
  await doctor.context.close();
});

/** A sign-in at the facility's provider whose callback the portal must refuse. */
async function refusedSignIn(page: Page, login: string, status: number, reason: string): Promise<Response> {
  await page.goto(`/auth/oidc/start?facility=${facilityId}`);
  const answer = callbackResponse(page);
  await providerLogin(page, login);
  const response = await answer;
  expect(response.status()).toBe(status);
  expect(response.headers()["x-hoso-refusal"]).toBe(reason);
  return response;
}

test("an unknown subject is refused with its identifier to give an administrator, and nothing is created", async ({ browser }) => {
  const stranger = await person(browser, false);
  const before = counts();
  await refusedSignIn(stranger.page, "bs.unlinked", 403, "unknown_subject");
  await expect(stranger.page.getByText(/chưa được liên kết với tài khoản bác sĩ nào/)).toBeVisible();
  await expect(stranger.page.getByTestId("provider-subject")).toHaveText("bs.unlinked");
  expect(counts()).toEqual(before);
  await stranger.context.close();
});

test("ID tokens with a wrong audience, an expiry in the past, another nonce or a broken signature are refused", async ({ browser }) => {
  for (const [change, reason] of [
    [{ aud: "someone-else" }, "wrong_audience"],
    [{ expired: true }, "expired_id_token"],
    [{ nonce: "not-the-nonce-we-sent" }, "wrong_nonce"],
    [{ corrupt_signature: true }, "bad_signature"],
  ] as const) {
    const doctor = await person(browser, false);
    const before = counts();
    await nextIdToken(doctor.page, change);
    await refusedSignIn(doctor.page, DOCTOR.subject, 401, reason);
    await expect(doctor.page.getByText(/không vượt qua kiểm tra/)).toBeVisible();
    expect(counts(), reason).toEqual(before);
    await doctor.context.close();
  }
});

test("a tampered state is refused, and the real one still cannot be used from another browser", async ({ browser }) => {
  const doctor = await person(browser, false);
  const page = doctor.page;
  const before = counts();
  // Change one character of the state on its way to the provider: the provider sends it back as
  // changed, with a code the provider really issued.
  const flip = (text: string) => (text[0] === "A" ? "B" : "A") + text.slice(1);
  let sent = "";
  await page.route("**/auth/oidc/start?**", async (route) => {
    const answer = await route.fetch({ maxRedirects: 0 });
    const location = new URL(answer.headers()["location"]);
    sent = location.searchParams.get("state")!;
    location.searchParams.set("state", flip(sent));
    await route.fulfill({ response: answer, headers: { ...answer.headers(), location: location.toString() } });
  });
  let returned = "";
  page.on("request", (request) => {
    if (request.url().includes("/auth/oidc/callback")) returned = request.url();
  });
  await page.goto(`/auth/oidc/start?facility=${facilityId}`);
  const answer = callbackResponse(page);
  await providerLogin(page, DOCTOR.subject);
  const response = await answer;
  expect(new URL(returned).searchParams.get("state")).toBe(flip(sent));
  expect(response.status()).toBe(400);
  expect(response.headers()["x-hoso-refusal"]).toBe("unknown_state");
  await expect(page.getByText(/không hợp lệ, đã hết hạn hoặc đã được dùng/)).toBeVisible();
  expect(counts()).toEqual(before);

  // The untampered callback, opened in another browser: the sign-in is bound to the browser that started it.
  const genuine = new URL(returned);
  genuine.searchParams.set("state", sent);
  const other = await person(browser, false);
  const elsewhere = await other.page.goto(genuine.toString());
  expect(elsewhere!.status()).toBe(400);
  expect(elsewhere!.headers()["x-hoso-refusal"]).toBe("browser_mismatch");
  expect(counts()).toEqual(before);
  await doctor.context.close();
  await other.context.close();
});

test("a replayed code is refused, under its own state and under a fresh one", async ({ browser }) => {
  const doctor = await person(browser, false);
  const page = doctor.page;
  let callback = "";
  page.on("request", (request) => {
    if (request.url().includes("/auth/oidc/callback")) callback = request.url();
  });
  await page.goto(`/auth/oidc/start?facility=${facilityId}`);
  const answer = callbackResponse(page);
  await providerLogin(page, DOCTOR.subject);
  expect((await answer).status()).toBe(200);
  await page.waitForURL("**/clinician");
  const signedIn = counts();

  // The same callback again, in the same browser: the state was taken.
  const again = await page.goto(callback);
  expect(again!.status()).toBe(400);
  expect(again!.headers()["x-hoso-refusal"]).toBe("unknown_state");
  expect(counts()).toEqual(signedIn);

  // The used code under a state this browser just obtained: the provider refuses the code (used,
  // and the PKCE verifier belongs to another sign-in).
  let authorize = "";
  await page.route("**/auth/oidc/start?**", async (route) => {
    const answer = await route.fetch({ maxRedirects: 0 });
    authorize = answer.headers()["location"];
    const cookie = answer.headers()["set-cookie"];
    await route.fulfill({ status: 200, contentType: "text/plain", body: "held", headers: cookie ? { "set-cookie": cookie } : {} });
  });
  await page.goto(`/auth/oidc/start?facility=${facilityId}`);
  expect(authorize.startsWith(ISSUER)).toBeTruthy();
  const freshState = new URL(authorize).searchParams.get("state")!;
  const usedCode = new URL(callback).searchParams.get("code")!;
  const replay = await page.goto(`/auth/oidc/callback?code=${encodeURIComponent(usedCode)}&state=${encodeURIComponent(freshState)}`);
  expect(replay!.status()).toBe(401);
  expect(replay!.headers()["x-hoso-refusal"]).toBe("code_rejected");
  expect(counts()).toEqual(signedIn);
  await doctor.context.close();
});

test("identity proofing with a number that matches no record, or a record already enrolled, is refused", async ({ browser }) => {
  for (const [login, reason, text] of [
    ["001099012345", "no_matching_record", /Không có hồ sơ sức khỏe nào mang số định danh của bạn/],
    [proofed.cccd, "already_enrolled", /đã được đăng ký/],
  ] as const) {
    const citizen = await person(browser);
    const before = counts();
    await citizen.page.goto("/enrol");
    await citizen.page.getByRole("link", { name: "Xác minh qua VNeID" }).click();
    const answer = callbackResponse(citizen.page);
    await providerLogin(citizen.page, login);
    const response = await answer;
    expect(response.status()).toBe(403);
    expect(response.headers()["x-hoso-refusal"]).toBe(reason);
    await expect(citizen.page.getByText(text)).toBeVisible();
    expect(counts(), reason).toEqual(before);
    await citizen.context.close();
  }
});

test("every refusal is in the audit trail with its reason", async () => {
  const csv = await admin.page.request.get("/admin/audit.csv?outcome=denied");
  expect(csv.status()).toBe(200);
  const text = await csv.text();
  for (const reason of [
    "unknown_subject",
    "wrong_audience",
    "expired_id_token",
    "wrong_nonce",
    "bad_signature",
    "unknown_state",
    "browser_mismatch",
    "code_rejected",
    "no_matching_record",
    "already_enrolled",
  ]) {
    expect(text, reason).toContain(reason);
  }
  const proofing = text.split("\n").filter((line) => line.includes("identity_proof"));
  expect(proofing.length).toBeGreaterThanOrEqual(2);
  await admin.context.close();
});
