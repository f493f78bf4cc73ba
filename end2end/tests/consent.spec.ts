import { test, expect, type BrowserContext, type Page } from "@playwright/test";
import { addVirtualAuthenticator, citizen, demoCodes, enrol, expectAccessible, hydrated, watchErrors } from "./support";

// Two people, two browser contexts, each with its own virtual authenticator.
test.describe.configure({ mode: "serial" });

let patientContext: BrowserContext;
let patientPage: Page;
let doctorContext: BrowserContext;
let doctorPage: Page;
let patientErrors: string[] = [];

test.beforeAll(async ({ browser }) => {
  patientContext = await browser.newContext();
  patientPage = await patientContext.newPage();
  patientErrors = watchErrors(patientPage);
  await addVirtualAuthenticator(patientContext, patientPage);
  doctorContext = await browser.newContext();
  doctorPage = await doctorContext.newPage();
  await addVirtualAuthenticator(doctorContext, doctorPage);
});

test.afterAll(async () => {
  await patientContext.close();
  await doctorContext.close();
});

const baby = () => citizen("Bảo");
const doctorCode = () => demoCodes().find((c) => c.role === "clinician")!;

test("the citizen shares immunizations only with one clinician, after a preview", async () => {
  const page = patientPage;
  await enrol(page, baby());
  await page.getByRole("link", { name: "Chia sẻ", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Chia sẻ hồ sơ" })).toBeVisible();
  await expect(page.getByText("Hiện không ai được xem hồ sơ của bạn.")).toBeVisible();
  // Nothing is pre-ticked.
  for (const box of await page.getByRole("checkbox").all()) await expect(box).not.toBeChecked();
  for (const radio of await page.getByRole("radio").all()) await expect(radio).not.toBeChecked();

  await page.getByLabel("Tìm bác sĩ hoặc cơ sở y tế").fill("Phạm");
  await page.getByRole("button", { name: "Tìm", exact: true }).click();
  await hydrated(page, /^Chia sẻ$/);
  await page.getByRole("radio", { name: /BS\. Phạm Minh Đức/ }).check();
  await page.getByRole("checkbox", { name: "Tiêm chủng" }).check();
  await page.getByRole("radio", { name: "Điều trị" }).check();
  await expect(page.locator(".preview")).toContainText("BS. Phạm Minh Đức sẽ xem được: Tiêm chủng");
  await page.getByRole("button", { name: "Chia sẻ", exact: true }).click();
  await expect(page.getByText("Đã chia sẻ.")).toBeVisible();
  const now = page.getByRole("region", { name: "Ai đang xem được hồ sơ của tôi lúc này" });
  await expect(now).toContainText("BS. Phạm Minh Đức");
  await expect(now).toContainText("Tiêm chủng");
  await expectAccessible(page);
});

test("the clinician finds the patient by CCCD and sees immunizations but not visits", async () => {
  const page = doctorPage;
  await enrol(page, doctorCode());
  await page.getByLabel("Số CCCD hoặc số BHYT").fill(baby().cccd);
  await page.getByRole("button", { name: "Tìm", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Trần Gia Bảo" })).toBeVisible();
  await expectAccessible(page);
  await page.getByRole("link", { name: "Xem hồ sơ" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Hồ sơ bệnh nhân" })).toBeVisible();
  const immunizations = page.getByRole("region", { name: "Tiêm chủng" });
  await expect(immunizations.getByRole("cell", { name: /BCG/ }).first()).toBeVisible();
  const visits = page.getByRole("region", { name: "Lần khám" });
  await expect(visits).toContainText("Không hiển thị: Bệnh nhân chưa chia sẻ phần này với bạn.");
  await expect(page.getByText(/khò khè/)).toHaveCount(0);
  await expectAccessible(page);
});

test("the citizen revokes and the clinician's next navigation is refused", async () => {
  const now = patientPage.getByRole("region", { name: "Ai đang xem được hồ sơ của tôi lúc này" });
  await now.getByRole("button", { name: /Thu hồi/ }).click();
  await expect(patientPage.getByText("Đã thu hồi quyền chia sẻ.")).toBeVisible();
  await expect(patientPage.getByText("Hiện không ai được xem hồ sơ của bạn.")).toBeVisible();

  await doctorPage.reload();
  await expect(doctorPage.getByText("Bạn không có quyền xem thông tin này.")).toBeVisible();
  await expect(doctorPage.getByRole("region", { name: "Tiêm chủng" })).toHaveCount(0);
});

test("the citizen's access log shows both reads and the denial", async () => {
  const page = patientPage;
  await page.getByRole("link", { name: "Nhật ký truy cập" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Ai đã xem hồ sơ của tôi" })).toBeVisible();
  const doctorRows = page.getByRole("row").filter({ hasText: "BS. Phạm Minh Đức" });
  await expect(doctorRows.filter({ hasText: "Xem: Tiêm chủng" }).filter({ hasText: "Được phép" }).first()).toBeVisible();
  await expect(doctorRows.filter({ hasText: "Bị từ chối" }).filter({ hasText: "thu hồi" }).first()).toBeVisible();
  await expect(doctorRows.filter({ hasText: "Tìm kiếm" }).first()).toBeVisible();
  // Filter by basis.
  await page.getByLabel("Căn cứ").selectOption("grant");
  await page.getByRole("button", { name: "Lọc" }).click();
  await expect(page.getByRole("row").filter({ hasText: "Chính bạn" })).toHaveCount(0);
  await expectAccessible(page);
  expect(patientErrors.filter((e) => !/status of 40[0-9]/.test(e))).toEqual([]);
});

test("break-glass with a too-short reason is refused; a real one opens the record under a banner", async () => {
  const page = doctorPage;
  await page.getByLabel("Lý do (ít nhất 20 ký tự)").fill("cấp cứu");
  await page.getByRole("button", { name: "Mở hồ sơ khẩn cấp" }).click();
  // The browser's own minlength check stops it first; the server refuses too (HTTP test).
  await expect(page.getByText("Trần Gia Bảo")).toHaveCount(0);
  await page.getByLabel("Lý do (ít nhất 20 ký tự)").fill("Trẻ sốt cao co giật tại cấp cứu, cần tiền sử tiêm chủng và dị ứng");
  await page.getByRole("button", { name: "Mở hồ sơ khẩn cấp" }).click();
  await expect(page.getByRole("region", { name: "Lần khám" })).toContainText("khò khè");
  await page.goto("/clinician");
  await expect(page.getByText("Bạn đang truy cập khẩn cấp hồ sơ của")).toBeVisible();

  await patientPage.goto("/record");
  const notice = patientPage.getByRole("region", { name: "Các lần truy cập khẩn cấp" });
  await expect(notice).toContainText("BS. Phạm Minh Đức");
  await expect(notice).toContainText("Trẻ sốt cao co giật");
  await expect(notice).toContainText("Đang chờ xem xét");
});
