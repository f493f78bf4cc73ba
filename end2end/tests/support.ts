import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { expect, type Browser, type BrowserContext, type Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";

/** The repository's root, and the release server binary the tests run against. */
export const repoRoot = path.resolve(import.meta.dirname, "..", "..");
const serverBinary = path.join(process.env.CARGO_TARGET_DIR ?? path.join(repoRoot, "target"), "release", "server");

/** Runs a server subcommand against the test database (unless `env` says otherwise) and returns
 * its standard output, trimmed. */
export function serverCommand(args: string[], env: Record<string, string> = {}): string {
  const dataDir = process.env.HOSO_E2E_DATA_DIR!;
  return execFileSync(serverBinary, args, {
    env: { ...process.env, HOSO_DATA_DIR: dataDir, DATABASE_URL: `sqlite://${dataDir}/hoso.db`, RUST_LOG: "error", ...env },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  }).trim();
}

export type DemoCode = { role: string; who: string; cccd: string; code: string };

/** The demo enrolment codes the server wrote on its first start. */
export function demoCodes(): DemoCode[] {
  const file = path.join(process.env.HOSO_E2E_DATA_DIR!, "demo-enrolment-codes.txt");
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .map((line) => line.match(/^(\w+)\s+(.*?)\s+CCCD (\d{12})\s+code (\S+)$/))
    .filter((m): m is RegExpMatchArray => m !== null)
    .map((m) => ({ role: m[1], who: m[2], cccd: m[3], code: m[4] }));
}

export function citizen(namePart: string): DemoCode {
  const found = demoCodes().find((c) => c.role === "citizen" && c.who.includes(namePart));
  if (!found) throw new Error(`no demo citizen named ${namePart}`);
  return found;
}

/** A CDP virtual platform authenticator (CTAP2, resident keys, user verification) on this page. */
export async function addVirtualAuthenticator(
  context: BrowserContext,
  page: Page,
  transport: "internal" | "usb" = "internal",
): Promise<string> {
  const client = await context.newCDPSession(page);
  await client.send("WebAuthn.enable");
  const { authenticatorId } = await client.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport,
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return authenticatorId;
}

export async function credentialCount(context: BrowserContext, page: Page, authenticatorId: string): Promise<number> {
  const client = await context.newCDPSession(page);
  const { credentials } = await client.send("WebAuthn.getCredentials", { authenticatorId });
  return credentials.length;
}

/** Waits until the page has hydrated (the layout marks <main data-hydrated>; on a lazy route that
 * is after its chunk arrived) and the button is enabled. Before that a form would be sent the
 * plain HTML way, not the way a test means to exercise. */
export async function hydrated(page: Page, buttonName: RegExp) {
  await expect(page.locator("main[data-hydrated]")).toHaveCount(1, { timeout: 20_000 });
  await expect(page.getByRole("button", { name: buttonName })).toBeEnabled({ timeout: 20_000 });
}

/** Enrols a demo person through the UI; leaves the page on their home (record overview, or patient search for clinicians). */
export async function enrol(page: Page, person: DemoCode) {
  await page.goto("/enrol");
  await hydrated(page, /Tạo khóa truy cập/);
  await page.getByLabel("Số CCCD").fill(person.cccd);
  await page.getByLabel("Mã đăng ký").fill(person.code);
  await page.getByRole("button", { name: /Tạo khóa truy cập/ }).click();
  if (person.role === "clinician") {
    await page.waitForURL("**/clinician");
    await expect(page.getByRole("heading", { level: 1, name: "Tìm bệnh nhân" })).toBeVisible();
  } else {
    await page.waitForURL("**/record");
    await expect(page.getByRole("heading", { level: 1, name: "Hồ sơ sức khỏe của tôi" })).toBeVisible();
  }
}

/** The demo's second administrator (separation of duties: what one administrator starts for a
 * staff account, another confirms). */
export const SECOND_ADMIN_CCCD = "001190008888";

/** The second administrator, in a browser of their own, enrols a passkey with a fresh code from
 * the operator's shell, confirms with it (sudo mode) and confirms the staff account `staffName`
 * another administrator created; until then that account reads nothing. */
export async function confirmBySecondAdministrator(browser: Browser, staffName: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await addVirtualAuthenticator(context, page);
  const code = serverCommand(["issue-enrolment-code", "--cccd", SECOND_ADMIN_CCCD]).split("\n").pop()!;
  await page.goto("/enrol");
  await hydrated(page, /Tạo khóa truy cập/);
  await page.getByLabel("Số CCCD").fill(SECOND_ADMIN_CCCD);
  await page.getByLabel("Mã đăng ký").fill(code);
  await page.getByRole("button", { name: /Tạo khóa truy cập/ }).click();
  await page.waitForURL("**/admin");
  // Found by the name as typed, with its diacritics and capitals ("Đỗ").
  await page.goto(`/admin/people?term=${encodeURIComponent(staffName)}`);
  await hydrated(page, /Xác nhận bằng khóa truy cập/);
  await page.getByRole("button", { name: "Xác nhận bằng khóa truy cập" }).click();
  await expect(page.getByText("Đã xác nhận. Bạn có 5 phút")).toBeVisible();
  await page.getByRole("link", { name: staffName }).first().click();
  await expect(page.getByTestId("awaiting-confirmation")).toBeVisible();
  await hydrated(page, /Xác nhận tài khoản/);
  await page.getByTestId("confirm-staff").click();
  await expect(page.getByTestId("awaiting-confirmation")).toHaveCount(0);
  await expectAccessible(page);
  await context.close();
}

/** No serious or critical axe-core violation on the current page. */
export async function expectAccessible(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`)).toEqual([]);
}

/** Collects browser console errors and uncaught exceptions (hydration panics, CSP violations). */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  return errors;
}

/** A JSON number exactly as it was written (`1.50` stays `1.50`). */
export class ExactNumber {
  constructor(readonly text: string) {}
}

/** JSON text parsed with every number kept as its written text ([`ExactNumber`]), as RFC 8259
 * allows and FHIR's decimals need; the rest as `JSON.parse` gives it. */
export function parseExact(text: string): any {
  let at = 0;
  const space = () => {
    while (at < text.length && " \t\n\r".includes(text[at])) at++;
  };
  const value = (): any => {
    space();
    const c = text[at];
    if (c === "{") {
      at++;
      const object: Record<string, any> = {};
      space();
      if (text[at] === "}") return at++, object;
      for (;;) {
        space();
        const key = value() as string;
        space();
        if (text[at++] !== ":") throw new Error(`expected : at ${at}`);
        object[key] = value();
        space();
        const next = text[at++];
        if (next === "}") return object;
        if (next !== ",") throw new Error(`expected , or } at ${at}`);
      }
    }
    if (c === "[") {
      at++;
      const array: any[] = [];
      space();
      if (text[at] === "]") return at++, array;
      for (;;) {
        array.push(value());
        space();
        const next = text[at++];
        if (next === "]") return array;
        if (next !== ",") throw new Error(`expected , or ] at ${at}`);
      }
    }
    if (c === '"') {
      const start = at;
      at++;
      while (text[at] !== '"') at += text[at] === "\\" ? 2 : 1;
      at++;
      return JSON.parse(text.slice(start, at));
    }
    const literal = /^(true|false|null|-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?)/.exec(text.slice(at, at + 64));
    if (!literal) throw new Error(`unexpected ${c} at ${at}`);
    at += literal[0].length;
    return literal[0] === "true" ? true : literal[0] === "false" ? false : literal[0] === "null" ? null : new ExactNumber(literal[0]);
  };
  const result = value();
  space();
  if (at !== text.length) throw new Error(`trailing text at ${at}`);
  return result;
}

/** A CCCD that agrees with the patient's birth year and sex (12 digits: province, century and
 * sex digit, two-digit year, six more; see server/src/cccd.rs), unique to this run and `serial`, added to the bundle's Patient the
 * way a Vietnamese hospital system sends it (VN Core's CCCD naming system). */
export function withCccd(bundle: any, serial: number): string {
  const patient = bundle.entry.find((e: any) => e.resource.resourceType === "Patient").resource;
  const year = Number(String(patient.birthDate).slice(0, 4));
  const digit = (Math.floor(year / 100) - 19) * 2 + (patient.gender === "female" ? 1 : 0);
  const tail = String((Date.now() + serial * 7919) % 1_000_000).padStart(6, "0");
  const cccd = `079${digit}${String(year % 100).padStart(2, "0")}${tail}`;
  patient.identifier = [...(patient.identifier ?? []), { system: "https://fhir.hl7.org.vn/core/sid/cccd", value: cccd }];
  return cccd;
}
