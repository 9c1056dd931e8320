import { test as base, expect, type APIRequestContext, type Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { mails } from "./mail";

export const DEMO_PASSWORD = "regulars-demo";

/** Whether the page loads the WASM bundle (a member's own pages are plain HTML). */
export async function loadsWasm(page: Page) {
  return (await page.locator('link[rel="modulepreload"]').count()) > 0;
}

/** Waits until the page is ready to use: once the WASM has hydrated it (the app marks
 * <main>), or at once for a page served without the WASM. */
export async function hydrated(page: Page) {
  if (await loadsWasm(page)) await expect(page.locator("main[data-hydrated]")).toHaveCount(1);
}

export async function goto(page: Page, path: string) {
  watchErrors(page);
  const res = await page.goto(path);
  await hydrated(page);
  return res;
}

export async function signIn(page: Page, email: string, password = DEMO_PASSWORD, labels = { email: "Email", password: "Password", submit: "Sign in" }) {
  await goto(page, "/sign-in");
  await page.getByLabel(labels.email, { exact: true }).fill(email);
  await page.getByLabel(labels.password, { exact: true }).fill(password);
  await page.getByRole("main").getByRole("button", { name: labels.submit }).click();
}

/** Whether a violation fails the test: every serious or critical one, and landmark rules at
 * any impact (axe rates `landmark-unique` moderate, yet two regions of one name leave a screen
 * reader's landmark list ambiguous). */
function counts(v: { id: string; impact?: string | null }) {
  return v.impact === "serious" || v.impact === "critical" || v.id.startsWith("landmark-");
}

/** The accessibility violations on the current page that fail a test, one line each. */
export async function accessibilityProblems(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter(counts)
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(", ")})`);
}

/** No serious or critical accessibility violations (nor landmark ones) on the current page. */
export async function expectAccessible(page: Page) {
  expect(await accessibilityProblems(page)).toEqual([]);
}

const watched = new WeakMap<Page, string[]>();

/** Collects what breaks a page's script: uncaught errors and Rust panics (a failed hydration
 * panics). Returns the live list. */
export function watchErrors(page: Page): string[] {
  let errors = watched.get(page);
  if (!errors) {
    const list: string[] = [];
    page.on("pageerror", (e) => list.push(`pageerror: ${e.message}`));
    page.on("console", (m) => {
      if (m.type() === "error" && /panicked|hydration/i.test(m.text())) list.push(m.text().slice(0, 300));
    });
    watched.set(page, list);
    errors = list;
  }
  return errors;
}

/** `test` whose `page` fails the test if its script broke at any point. */
export const test = base.extend({
  page: async ({ page }, use) => {
    const errors = watchErrors(page);
    await use(page);
    expect(errors, "errors in the browser").toEqual([]);
  },
});

/** The link in the newest confirmation mail to `email`, once it has arrived. */
export async function confirmationLink(email: string): Promise<string> {
  let link = "";
  await expect
    .poll(() => {
      const sent = mails().filter((m) => m.to.toLowerCase().includes(email.toLowerCase()) && m.text.includes("/confirm/"));
      link = sent.at(-1)?.text.match(/https?:\/\/\S+\/confirm\/[0-9a-f]+/)?.[0] ?? "";
      return link;
    }, { timeout: 20_000, message: `a confirmation mail to ${email}` })
    .not.toBe("");
  return link;
}

/** Finishes joining as a new member does: after the form's "check your inbox", opens the link
 * in the confirmation mail to `email` and presses its button, which signs them in. */
export async function confirmJoin(page: Page, email: string) {
  await expect(page).toHaveURL(/\/join\/sent$/);
  await goto(page, new URL(await confirmationLink(email)).pathname);
  await page.getByRole("main").getByRole("button").click();
  await expect(page).not.toHaveURL(/\/confirm\//);
}

/** Joins through the form's endpoint and confirms through the mailed link's, signing
 * `request`'s context in. */
export async function joinByRequest(request: APIRequestContext, form: Record<string, string>) {
  const res = await request.post("/api/accounts/sign_up", { form });
  expect(res.status(), await res.text()).toBe(200);
  const token = (await confirmationLink(form.email)).split("/confirm/")[1];
  const confirmed = await request.post("/api/preferences/confirm", { form: { token } });
  expect(confirmed.status(), await confirmed.text()).toBe(200);
}
