// Interoperability from the administrators' console in Chromium: machine credentials for the demo
// facility's system are issued (the secret shown once), used by a "hospital system" (this test,
// over HTTP) to send a real Synthea bundle, and revoked; the import shows in the console's list;
// a complete export is started from the console, followed to the end on the page (it refreshes
// itself while the export runs), and the server's own `restore` puts it into an empty database
// and verifies the audit chain against the server's key.
// (Runs last: it uses the demo administrator with a fresh code from the shell.)
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test, expect, type Page } from "@playwright/test";
import { addVirtualAuthenticator, expectAccessible, hydrated, repoRoot, serverCommand, watchErrors } from "./support";

test.describe.configure({ mode: "serial" });

const FACILITY = "Bệnh viện Đa khoa Hoso Demo";
const ADMIN_CCCD = "001190007777";
const CONFIRM = /Xác nhận bằng khóa truy cập/;
const dataDir = process.env.HOSO_E2E_DATA_DIR!;

/** The smallest Synthea person, with a CCCD that agrees with their birth year and sex, as a Vietnamese HIS sends it. */
function synthea(): any {
  const dir = path.join(repoRoot, "server", "tests", "fixtures", "synthea");
  const file = fs
    .readdirSync(dir)
    .filter((name) => name.endsWith(".json") && !name.includes("Information"))
    .map((name) => path.join(dir, name))
    .sort((a, b) => fs.statSync(a).size - fs.statSync(b).size)[0];
  const bundle = JSON.parse(fs.readFileSync(file, "utf8"));
  const patient = bundle.entry.find((e: any) => e.resource.resourceType === "Patient").resource;
  const year = Number(patient.birthDate.slice(0, 4));
  const digit = (Math.floor(year / 100) - 19) * 2 + (patient.gender === "female" ? 1 : 0);
  const cccd = `049${digit}${String(year % 100).padStart(2, "0")}${String(Date.now() % 1_000_000).padStart(6, "0")}`;
  patient.identifier.push({ system: "https://fhir.hl7.org.vn/core/sid/cccd", value: cccd });
  return bundle;
}

async function tokenFor(page: Page, clientId: string, secret: string) {
  return page.request.post("/oauth/token", { form: { grant_type: "client_credentials", client_id: clientId, client_secret: secret } });
}

let page: Page;
let errors: string[];
let clientId = "";
let secret = "";

test("an administrator issues machine credentials; the facility's system imports a Synthea bundle with them", async ({ browser }) => {
  const context = await browser.newContext();
  page = await context.newPage();
  await addVirtualAuthenticator(context, page);
  errors = watchErrors(page);
  const code = serverCommand(["issue-enrolment-code", "--cccd", ADMIN_CCCD]).split("\n").pop()!;
  await page.goto("/enrol");
  await hydrated(page, /Tạo khóa truy cập/);
  await page.getByLabel("Số CCCD").fill(ADMIN_CCCD);
  await page.getByLabel("Mã đăng ký").fill(code);
  await page.getByRole("button", { name: /Tạo khóa truy cập/ }).click();
  await page.waitForURL("**/admin");

  await page.getByRole("link", { name: "Cơ sở y tế", exact: true }).click();
  await page.getByRole("link", { name: FACILITY }).click();
  await hydrated(page, CONFIRM);
  await expect(page.getByText(/\/oauth\/token/)).toBeVisible();
  await page.getByLabel("Tên hệ thống").fill("HIS Demo");
  await page.getByRole("button", { name: "Cấp thông tin xác thực" }).click();
  await expect(page.getByTestId("issued-client")).toContainText("HIS Demo");
  clientId = (await page.getByTestId("issued-client-id").textContent())!.trim();
  secret = (await page.getByTestId("issued-client-secret").textContent())!.trim();
  expect(clientId).toMatch(/^fc-/);
  expect(secret.length).toBeGreaterThanOrEqual(40);
  await expect(page.getByTestId("facility-client").filter({ hasText: clientId })).toContainText("Đang hiệu lực");
  await expectAccessible(page);

  // The hospital system: a token with its credentials, then the bundle.
  const token = await tokenFor(page, clientId, secret);
  expect(token.status()).toBe(200);
  const { access_token } = await token.json();
  const bundle = synthea();
  const imported = await page.request.post("/fhir", {
    headers: { authorization: `Bearer ${access_token}`, "content-type": "application/fhir+json" },
    data: JSON.stringify(bundle),
  });
  expect(imported.status(), await imported.text()).toBe(200);
  const answer = await imported.json();
  expect(answer.type).toBe(`${bundle.type}-response`);
  // The person's own resources are new; the organisations and practitioners the bundle carries
  // may already be held from another import (synthea.spec sends Synthea's directories first).
  const directory = ["Organization", "Practitioner", "PractitionerRole", "Location"];
  const statuses = answer.entry.map((e: any, i: number) => [bundle.entry[i].resource.resourceType, e.response.status]);
  expect(statuses.filter(([type, status]: string[]) => status !== "201 Created" && !(directory.includes(type) && status === "200 OK"))).toEqual([]);
  const created = statuses.filter(([, status]: string[]) => status === "201 Created").length;
  expect(created).toBeGreaterThan(statuses.length / 2);

  // The console lists the import, finished, with its counts, under the facility and system's names.
  await page.getByRole("link", { name: "Xuất và nhập dữ liệu", exact: true }).click();
  await hydrated(page, CONFIRM);
  const row = page.locator('[data-testid="transfer"][data-kind="import"]').first();
  await expect(row).toHaveAttribute("data-state", "done");
  await expect(row).toContainText(`${FACILITY} · HIS Demo`);
  await expect(row.locator('[data-fact="created"]')).toHaveText(String(created));
});

test("a complete export started in the console shows its progress, finishes, and restores into an empty database", async () => {
  await page.getByRole("button", { name: "Xuất toàn bộ dữ liệu" }).click();
  await expect(page.getByText("Đã bắt đầu xuất dữ liệu.")).toBeVisible();
  // The page follows the export by itself (no reload) until it is finished.
  const row = page.locator('[data-testid="transfer"][data-kind="export"]').first();
  await expect(row).toHaveAttribute("data-state", "done", { timeout: 30_000 });
  await expect(row).toContainText("Hoàn tất");
  await expect(row.locator('[data-fact="files"]')).toHaveText("14");
  const dir = (await row.locator('[data-fact="directory"]').textContent())!.trim();
  expect(dir.startsWith(path.join(fs.realpathSync(dataDir), "exports")) || dir.startsWith(path.join(dataDir, "exports"))).toBeTruthy();
  await expectAccessible(page);

  // The server's own restore into a new, empty SQLite database checks the signature against this
  // server's audit key, every file's SHA-256, then walks the restored audit chain.
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), "hoso-restore-"));
  const out = serverCommand(["restore", "--from", dir], { DATABASE_URL: `sqlite://${empty}/restored.db` });
  expect(out).toMatch(/audit chain OK \d+ entries/);
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, "manifest.json"), "utf8"));
  const patients = manifest.output.find((f: any) => f.table === "patient").count;
  expect(patients).toBeGreaterThan(1);
  fs.rmSync(empty, { recursive: true, force: true });
});

test("revoking the credentials stops the facility's system at once", async () => {
  await page.getByRole("link", { name: "Cơ sở y tế", exact: true }).click();
  await page.getByRole("link", { name: FACILITY }).click();
  await hydrated(page, CONFIRM);
  await page.getByRole("button", { name: "Thu hồi HIS Demo" }).click();
  await expect(page.getByText("Đã thu hồi. Các mã truy cập của hệ thống này ngừng hoạt động ngay.")).toBeVisible();
  await expect(page.getByTestId("facility-client").filter({ hasText: clientId })).toContainText("Đã thu hồi");
  const refused = await tokenFor(page, clientId, secret);
  expect(refused.status()).toBe(401);
  expect((await refused.json()).error).toBe("invalid_client");
  expect(errors).toEqual([]);
});
