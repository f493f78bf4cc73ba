// The administrators' console in Chromium: an administrator enrols with a passkey, confirms with it
// again (sudo mode), issues a code to a citizen waiting at the counter and creates a clinician; the
// clinician opens the citizen's record in an emergency; the break-glass appears in the review
// queue with its reads; the administrator marks it; the citizen sees the outcome in their log.
// (Runs after the other specs: it uses the demo administrator and a record waiting for enrolment.)
import { test, expect, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { addVirtualAuthenticator, confirmBySecondAdministrator, demoCodes, expectAccessible, hydrated, watchErrors, type DemoCode } from "./support";

test.describe.configure({ mode: "serial" });

type Person = { context: BrowserContext; page: Page; errors: string[] };

async function person(browser: Browser): Promise<Person> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await addVirtualAuthenticator(context, page);
  return { context, page, errors: watchErrors(page) };
}

async function enrolWith(page: Page, cccd: string, code: string, home: string, heading: string) {
  await page.goto("/enrol");
  await hydrated(page, /Tạo khóa truy cập/);
  await page.getByLabel("Số CCCD").fill(cccd);
  await page.getByLabel("Mã đăng ký").fill(code);
  await page.getByRole("button", { name: /Tạo khóa truy cập/ }).click();
  await page.waitForURL(`**${home}`);
  await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
}

let admin: Person;
let citizen: Person;
let doctor: Person;
let waiting: DemoCode;
const reason = "Người bệnh ngất tại sảnh, cần biết thuốc đang dùng và dị ứng";
const note = "Đã đối chiếu với biên bản cấp cứu";
// Console pages enable this button only once hydrated: the signal that forms run through the app.
const CONFIRM = /Xác nhận bằng khóa truy cập/;

test("the administrator enrols, confirms with the passkey, issues a citizen's code and creates a clinician", async ({ browser }) => {
  admin = await person(browser);
  const code = demoCodes().find((c) => c.role === "administrator")!;
  waiting = demoCodes().find((c) => c.role === "waiting")!;
  await enrolWith(admin.page, code.cccd, code.code, "/admin", "Quản trị");
  await expect(admin.page.getByTestId("chain-status")).toContainText("Chuỗi nhật ký nguyên vẹn");
  await expectAccessible(admin.page);

  // Sudo mode: the passkey confirms again, in the browser, through the virtual authenticator.
  await hydrated(admin.page, CONFIRM);
  await admin.page.getByRole("button", { name: "Xác nhận bằng khóa truy cập" }).click();
  await expect(admin.page.getByText("Đã xác nhận. Bạn có 5 phút")).toBeVisible();

  await admin.page.getByRole("link", { name: "Mã đăng ký", exact: true }).click();
  await hydrated(admin.page, CONFIRM);
  await admin.page.getByLabel("Số CCCD").fill(waiting.cccd);
  await admin.page.getByRole("button", { name: "Cấp mã" }).click();
  const citizenCode = (await admin.page.getByTestId("issued-code").textContent())!.trim();
  expect(citizenCode).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
  await expect(admin.page.getByTestId("open-code").filter({ hasText: waiting.who })).toHaveCount(1);
  await expectAccessible(admin.page);

  citizen = await person(browser);
  await enrolWith(citizen.page, waiting.cccd, citizenCode, "/record", "Hồ sơ sức khỏe của tôi");

  await admin.page.getByRole("link", { name: "Người dùng", exact: true }).click();
  await hydrated(admin.page, CONFIRM);
  await admin.page.getByLabel("Họ và tên").fill("BS. Đỗ Thu Hà");
  await admin.page.getByLabel("Số CCCD").fill("001086007654");
  await admin.page.getByRole("button", { name: "Tạo", exact: true }).click();
  const doctorCode = (await admin.page.getByTestId("issued-code").textContent())!.trim();
  doctor = await person(browser);
  await enrolWith(doctor.page, "001086007654", doctorCode, "/clinician", "Tìm bệnh nhân");
  // The new clinician reads nothing until a second administrator confirms the account.
  await admin.page.getByRole("link", { name: "BS. Đỗ Thu Hà" }).first().click();
  await expect(admin.page.getByTestId("awaiting-confirmation")).toContainText("chưa được xác nhận");
  await expect(admin.page.getByTestId("confirm-staff")).toHaveCount(0);
  await confirmBySecondAdministrator(browser, "BS. Đỗ Thu Hà");
  expect(admin.errors).toEqual([]);
});

test("a break-glass read appears in the review queue, is marked, and the patient sees the outcome", async () => {
  const page = doctor.page;
  await page.getByLabel("Số CCCD hoặc số BHYT").fill(waiting.cccd);
  await page.getByRole("button", { name: "Tìm", exact: true }).click();
  await page.getByRole("link", { name: "Xem hồ sơ" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Hồ sơ bệnh nhân" })).toBeVisible();
  await page.getByLabel("Lý do (ít nhất 20 ký tự)").fill(reason);
  await page.getByRole("button", { name: "Mở hồ sơ khẩn cấp" }).click();
  await expect(page.getByText("Đang truy cập khẩn cấp đến")).toBeVisible();
  await expect(page.getByRole("region", { name: "Tiêm chủng" })).toBeVisible();

  const queue = admin.page;
  await queue.goto("/admin/reviews");
  await hydrated(queue, CONFIRM);
  const item = queue.getByRole("region", { name: "Truy cập khẩn cấp chờ xem xét" }).getByTestId("review-item").filter({ hasText: reason });
  await expect(item).toHaveCount(1);
  await item.getByText("Các lượt xem trong lần truy cập này").click();
  await expect(item.getByTestId("review-read").first()).toBeVisible();
  await expect(item.getByTestId("review-read").first()).toContainText("Được phép");
  await expectAccessible(queue);
  await item.getByRole("radio", { name: "Hợp lý", exact: true }).check();
  await item.getByLabel("Ghi chú xem xét").fill(note);
  await item.getByRole("button", { name: "Lưu kết luận" }).click();
  await expect(queue.getByText("Đã lưu kết luận")).toBeVisible();
  // It leaves the pending list (other specs' break-glass may still wait there) for the reviewed one.
  const pending = queue.getByRole("region", { name: "Truy cập khẩn cấp chờ xem xét" });
  const reviewed = queue.getByRole("region", { name: "Đã xem xét gần đây" });
  await expect(pending.getByTestId("review-item").filter({ hasText: reason })).toHaveCount(0);
  await expect(reviewed.getByTestId("review-item").filter({ hasText: reason })).toContainText(note);

  const log = citizen.page;
  await log.goto("/record/access-log");
  const review = log.getByTestId("emergency-review");
  await expect(review).toContainText("Hợp lý");
  await expect(review).toContainText(note);
  await expect(log.getByTestId("log-what").filter({ hasText: "Xem xét truy cập khẩn cấp: Hợp lý" })).toHaveCount(1);
  // The clinician's first look at an unshared record is a 403 by design; nothing else may fail.
  expect([...admin.errors, ...citizen.errors, ...doctor.errors.filter((e) => !/status of 403/.test(e))]).toEqual([]);
});

test("a citizen reaching the console is refused, and the refusal shows in the audit search", async () => {
  const refused = await citizen.page.goto("/admin/audit");
  expect(refused!.status()).toBe(403);
  await expect(citizen.page.getByText("Trang này chỉ dành cho quản trị viên")).toBeVisible();

  await admin.page.goto("/admin/audit?outcome=denied");
  await expect(admin.page.getByTestId("audit-line").filter({ hasText: "/admin/audit" })).not.toHaveCount(0);
  const csv = await admin.page.request.get("/admin/audit.csv?outcome=denied");
  expect(csv.status()).toBe(200);
  expect(await csv.text()).toContain("admin_access");
  await expectAccessible(admin.page);
});
