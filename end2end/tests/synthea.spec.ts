// Real third-party FHIR data, shown in the browser as the record says it. A hospital system sends
// Synthea's output (Apache-2.0, server/tests/fixtures): the current 2025 format (the `batch`
// directory bundles with `ifNoneExist`, then `transaction` people whose practitioners,
// organisations and locations are conditional references into them) and the older format. Each
// person then enrols with a passkey and reads their own record in Chromium: every dose on the
// vaccination page, counted only when given; the conditions the overview calls current exactly
// those whose clinicalStatus and verificationStatus say so; every lab result of every visit with its
// value exactly as written in the bundle (its decimal text, not a float) and its unit. Sending
// every bundle again answers 200 for each entry and changes no table.
// The expectations are computed here from the bundles with the FHIR R4 rules, not taken from the
// portal's own code.
import fs from "node:fs";
import path from "node:path";
import { test, expect, type Browser, type Page } from "@playwright/test";
import {
  addVirtualAuthenticator,
  enrol,
  ExactNumber,
  expectAccessible,
  parseExact,
  repoRoot,
  serverCommand,
  watchErrors,
  withCccd,
} from "./support";

test.describe.configure({ mode: "serial" });

const FIXTURES = path.join(repoRoot, "server", "tests", "fixtures");
const FACILITY = "Bệnh viện Đa khoa Hoso Demo";

type Sent = { name: string; text: string; cccd?: string };

function fixture(set: string, prefix: string): Sent {
  const file = fs.readdirSync(path.join(FIXTURES, set)).find((name) => name.startsWith(prefix) && name.endsWith(".json"));
  if (!file) throw new Error(`no ${prefix} in ${set}`);
  return { name: `${set}/${file}`, text: fs.readFileSync(path.join(FIXTURES, set, file), "utf8") };
}

/** A person's bundle with a CCCD added (the rest byte for byte as Synthea wrote it, apart from
 * that one identifier), so that the person can enrol. */
function person(set: string, prefix: string, serial: number): Sent {
  const sent = fixture(set, prefix);
  const bundle = JSON.parse(sent.text);
  const cccd = withCccd(bundle, serial);
  // Insert the identifier into the original text, so every number stays as Synthea wrote it.
  const patient = bundle.entry.find((e: any) => e.resource.resourceType === "Patient").resource;
  const added = JSON.stringify(patient.identifier[patient.identifier.length - 1]);
  const marker = `"resourceType": "Patient"`;
  const at = sent.text.indexOf(marker);
  expect(at, sent.name).toBeGreaterThan(0);
  const identifiers = sent.text.indexOf(`"identifier": [`, at) + `"identifier": [`.length;
  const text = `${sent.text.slice(0, identifiers)}${added}, ${sent.text.slice(identifiers)}`;
  expect(JSON.parse(text).entry.find((e: any) => e.resource.resourceType === "Patient").resource.identifier).toContainEqual(
    patient.identifier[patient.identifier.length - 1],
  );
  return { name: sent.name, text, cccd };
}

// The four current people and two of the older format (not the smallest: transfers.spec sends it).
const directories = [
  fixture("synthea-current", "hospitalInformation"),
  fixture("synthea-current", "practitionerInformation"),
  fixture("synthea", "hospitalInformation"),
  fixture("synthea", "practitionerInformation"),
];
const people = [
  person("synthea-current", "Sandee884", 1),
  person("synthea-current", "Teodoro374", 2),
  person("synthea-current", "Gordon377", 3),
  person("synthea-current", "Delilah659", 4),
  person("synthea", "Pablo44", 5),
  person("synthea", "Bibi254", 6),
];

function facilityId(): string {
  // The CLI lists the facilities when it is given one it does not know.
  try {
    serverCommand(["issue-facility-client", "--facility", "none", "--name", "probe"]);
  } catch (error: any) {
    const line = String(error.stderr).split("\n").find((l) => l.includes(FACILITY));
    if (line) return line.trim().split(/\s+/)[0];
  }
  throw new Error("the demo facility is not listed");
}

let accessToken = "";

async function send(page: Page, sent: Sent): Promise<string[]> {
  const answer = await page.request.post("/fhir", {
    headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/fhir+json" },
    data: sent.text,
  });
  expect(answer.status(), `${sent.name}: ${(await answer.text()).slice(0, 2000)}`).toBe(200);
  return (await answer.json()).entry.map((e: any) => e.response.status);
}

/** Table counts that a resend must leave as they are (the audit trail grows: imports are audited). */
function counts(): Record<string, number> {
  const all = JSON.parse(serverCommand(["counts"]).split("\n").pop()!);
  delete all.audit_events;
  return all;
}

const code = (concept: any): string => concept?.coding?.find((c: any) => c.code)?.code ?? "";
const label = (concept: any): string => (concept?.text ? concept.text : concept?.coding?.find((c: any) => c.display)?.display) || "—";

/** What the record says, by the R4 rules for each modifier element. */
function expected(text: string) {
  const bundle = parseExact(text);
  const resources = bundle.entry.map((e: any) => ({ fullUrl: e.fullUrl, resource: e.resource }));
  const of = (kind: string) => resources.filter((e: any) => e.resource.resourceType === kind);
  const visits = new Set(
    of("Encounter")
      .filter((e: any) => !["planned", "cancelled", "entered-in-error"].includes(e.resource.status))
      .map((e: any) => e.fullUrl),
  );
  // Immunization.status (completed | entered-in-error | not-done) and isSubpotent are modifiers.
  const vaccines = new Map<string, { rows: number; given: number }>();
  for (const { resource } of of("Immunization")) {
    if (resource.status === "entered-in-error") continue;
    const name = label(resource.vaccineCode);
    const entry = vaccines.get(name) ?? { rows: 0, given: 0 };
    entry.rows += 1;
    if (resource.status === "completed" && resource.isSubpotent !== true) entry.given += 1;
    vaccines.set(name, entry);
  }
  // Condition.clinicalStatus and verificationStatus are modifiers: current means active,
  // recurrence or relapse, and neither refuted nor entered in error.
  const current = (resource: any) =>
    ["active", "recurrence", "relapse"].includes(code(resource.clinicalStatus)) &&
    !["refuted", "entered-in-error"].includes(code(resource.verificationStatus));
  const conditions = new Set<string>(of("Condition").filter((e: any) => current(e.resource)).map((e: any) => code(e.resource.code)));
  const notCurrent = new Set<string>(
    of("Condition")
      .filter((e: any) => !current(e.resource))
      .map((e: any) => code(e.resource.code))
      .filter((c: string) => !conditions.has(c)),
  );
  const allergies = of("AllergyIntolerance").filter(
    (e: any) => code(e.resource.clinicalStatus) === "active" && !["refuted", "entered-in-error"].includes(code(e.resource.verificationStatus)),
  ).length;
  // Observation.status is a modifier: cancelled and entered-in-error are no result.
  const labs: string[] = [];
  // A quantity with its comparator and its decimal's text as sent.
  const amount = (quantity: any) => {
    expect(quantity.value).toBeInstanceOf(ExactNumber);
    return `${quantity.comparator ?? ""}${quantity.value.text}`;
  };
  const unitOf = (quantity: any) => quantity.unit ?? quantity.code ?? "";
  for (const { resource } of of("Observation")) {
    if (!["final", "amended", "corrected", "preliminary", "registered"].includes(resource.status)) continue;
    if (!visits.has(resource.encounter?.reference)) continue;
    const name = label(resource.code);
    if (resource.valueQuantity) {
      labs.push(`${name} | ${amount(resource.valueQuantity)} | ${unitOf(resource.valueQuantity)}`);
    } else if (resource.valueString !== undefined || resource.valueCodeableConcept) {
      labs.push(`${name} | ${resource.valueString ?? label(resource.valueCodeableConcept)} | `);
    } else {
      // A panel (blood pressure): each part with its own value and unit.
      const parts = (resource.component ?? []).flatMap((part: any) => {
        const value = part.valueQuantity
          ? [amount(part.valueQuantity), unitOf(part.valueQuantity)].filter((t) => t !== "").join(" ")
          : (part.valueString ?? (part.valueCodeableConcept ? label(part.valueCodeableConcept) : undefined));
        const partName = label(part.code) === "—" ? "" : label(part.code);
        return value === undefined ? [] : [[partName, value].filter((t) => t !== "").join(" ")];
      });
      labs.push(`${name} | ${parts.length ? parts.join("; ") : "—"} | `);
    }
  }
  return { visits: visits.size, vaccines, conditions, notCurrent, allergies, labs: labs.sort() };
}

test("a hospital system sends Synthea's directories and people; every entry is answered", async ({ page }) => {
  const issued = serverCommand(["issue-facility-client", "--facility", facilityId(), "--name", "Synthea HIS"]);
  const clientId = /client_id=(\S+)/.exec(issued)![1];
  const secret = /client_secret=(\S+)/.exec(issued)![1];
  const token = await page.request.post("/oauth/token", { form: { grant_type: "client_credentials", client_id: clientId, client_secret: secret } });
  expect(token.status()).toBe(200);
  accessToken = (await token.json()).access_token;
  for (const sent of directories) {
    const statuses = await send(page, sent);
    expect(statuses.every((s) => s === "201 Created"), `${sent.name}: ${statuses}`).toBeTruthy();
  }
  for (const sent of people) {
    const statuses = await send(page, sent);
    expect(statuses.every((s) => s === "201 Created" || s === "200 OK"), `${sent.name}: ${statuses}`).toBeTruthy();
    expect(statuses.filter((s) => s === "201 Created").length).toBeGreaterThan(10);
  }
});

test("sending every bundle again answers 200 for each entry and changes nothing", async ({ page }) => {
  const before = counts();
  expect(before.clinical_resources).toBeGreaterThan(1000);
  for (const sent of [...directories, ...people]) {
    const statuses = await send(page, sent);
    expect(statuses.every((s) => s === "200 OK"), `${sent.name}: ${statuses}`).toBeTruthy();
  }
  expect(counts()).toEqual(before);
});

async function readsOwnRecord(browser: Browser, sent: Sent) {
  const want = expected(sent.text);
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = watchErrors(page);
  await addVirtualAuthenticator(context, page);
  const enrolment = serverCommand(["issue-enrolment-code", "--cccd", sent.cccd!]).split("\n").pop()!;
  await enrol(page, { role: "citizen", who: sent.name, cccd: sent.cccd!, code: enrolment });

  // The overview: current conditions exactly (by code), current allergies.
  const shownCodes = await page.locator('section[aria-labelledby="conditions"] .code').allTextContents();
  expect(new Set(shownCodes), "current conditions").toEqual(want.conditions);
  expect(shownCodes.length, "each listed once").toBe(want.conditions.size);
  for (const resolved of want.notCurrent) expect(shownCodes).not.toContain(resolved);
  await expect(page.locator('section[aria-labelledby="allergies"] li')).toHaveCount(want.allergies);
  await expectAccessible(page);

  // The vaccination page: each vaccine with every dose as a row and only given doses counted.
  await page.getByRole("link", { name: "Tiêm chủng", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Lịch sử tiêm chủng" })).toBeVisible();
  const sections = page.locator("section.vaccine");
  await expect(sections).toHaveCount(want.vaccines.size);
  for (const [name, { rows, given }] of want.vaccines) {
    const section = sections.filter({ has: page.getByRole("heading", { level: 2, name: `${name} (${given} mũi)`, exact: true }) });
    await expect(section, name).toHaveCount(1);
    await expect(section.locator("tbody tr")).toHaveCount(rows);
  }
  await expectAccessible(page);

  // Every visit, then every lab result on it: the value as written, with its unit.
  await page.goto("/record/visits");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  const links = await page.locator('a[href^="/record/visits/"]').evaluateAll((as) => as.map((a) => a.getAttribute("href")!));
  expect(new Set(links).size).toBe(want.visits);
  const shown: string[] = [];
  // The pages as the server renders them (the same HTML a browser without JavaScript shows).
  const plain = await browser.newContext({ javaScriptEnabled: false });
  await plain.addCookies(await context.cookies());
  const reader = await plain.newPage();
  for (const href of new Set(links)) {
    await reader.goto(href);
    const rows = reader.locator('section[aria-labelledby="labs"] tbody tr');
    for (const row of await rows.all()) {
      const [name, value, unit] = await Promise.all([
        row.locator("td").nth(0).textContent(),
        row.locator("td").nth(1).locator("strong").textContent(),
        row.locator("td").nth(2).textContent(),
      ]);
      shown.push(`${name?.trim()} | ${value?.trim()} | ${unit?.trim()}`);
    }
  }
  expect(shown.sort()).toEqual(want.labs);
  expect(want.labs.length).toBeGreaterThan(0);
  // One visit with labs, hydrated, in the browser with JavaScript on.
  await page.goto([...new Set(links)][0]);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expectAccessible(page);
  expect(errors).toEqual([]);
  await plain.close();
  await context.close();
}

for (const sent of people) {
  test(`${sent.name.split("_")[0]} enrols and reads the record as it was sent`, async ({ browser }) => {
    await readsOwnRecord(browser, sent);
  });
}
