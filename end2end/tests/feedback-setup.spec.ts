import { expect, type Page } from "@playwright/test";
import { expectAccessible, goto, signIn, test, watchErrors } from "./helpers";

// Runs before feedback.spec.ts (file order), so the quality numbers are the demo shop's own:
// twelve answers over six weeks (see server/src/demo.rs, DEMO_FEEDBACK).
test("the quality page shows NPS, deadlines and volume by week, location and category", async ({ page }) => {
  await signIn(page, "owner@example.com");
  await expect(page).toHaveURL(/\/console$/);
  await goto(page, "/console/feedback/quality?weeks=52");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Service quality");
  const stat = (label: string) =>
    page.locator(".stats > div").filter({ has: page.locator("dt", { hasText: new RegExp(`^${label}$`) }) }).locator("dd");
  await expect(stat("Answers")).toHaveText("12");
  // 6 promoters, 4 detractors of 12: +16.7 → 17.
  await expect(stat("NPS")).toHaveText("17");
  // The two resolved cases: first replies after 3 h and 6 h, resolved after 23 h and 26 h.
  await expect(stat("Median time to first reply")).toHaveText("4 h 30 min");
  await expect(stat("Median time to resolve")).toHaveText("24 h 30 min");
  await expect(stat("Cases resolved before the deadline")).toHaveText("100%");
  await expect(stat("Open cases past the deadline")).toHaveText("1");
  const byLocation = page.getByRole("region", { name: "Location" });
  await expect(byLocation.getByRole("row", { name: /Main Street/ })).toContainText("-14");
  await expect(byLocation.getByRole("row", { name: /Harbour/ })).toContainText("60");
  const byCategory = page.getByRole("region", { name: "Category" });
  await expect(byCategory.getByRole("row", { name: /Delivery/ })).toContainText("-100");
  // The demo form asks no CSAT, so there is no chart for it: NPS and answers.
  await expect(page.locator("figure.chart")).toHaveCount(2);
  await expect(page.getByRole("img", { name: /^NPS: / })).toBeVisible();
  await expectAccessible(page);
  // A shorter period has fewer answers; the period links say which one is shown.
  await page.getByRole("link", { name: "4 weeks" }).click();
  await expect(page).toHaveURL(/weeks=4$/);
  await expect(stat("Answers")).not.toHaveText("12");
});

/** Fills one language's fieldset of the form editor. */
async function fillLanguage(page: Page, lang: string, title: string, question: string, options: string[]) {
  await page.locator(`#title_${lang}`).fill(title);
  await page.locator(`#choice_question_${lang}`).fill(question);
  await page.locator(`#choice_options_${lang}`).fill(options.join("\n"));
}

test("a manager builds a form in two languages; visitors answer its choice question in theirs", async ({ page, browser }) => {
  await signIn(page, "owner@example.com");
  await expect(page).toHaveURL(/\/console$/);
  await goto(page, "/console/feedback/setup");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Forms and case rules");
  await expect(page.getByRole("row", { name: /After a visit/ })).toContainText("All five");
  await expectAccessible(page);

  await page.getByRole("link", { name: "New form" }).click();
  await expect(page.getByRole("heading", { name: "New form" })).toBeVisible();
  const name = `Table card ${Date.now()}`;
  await page.getByLabel("Form", { exact: true }).fill(name);
  await fillLanguage(page, "en", "How was lunch?", "What did you eat?", ["Soup", "Salad", "Sandwich"]);
  await fillLanguage(page, "sv", "Hur var lunchen?", "Vad åt du?", ["Soppa", "Sallad", "Smörgås"]);
  // Options must match across languages: a short list is refused at its field.
  await page.locator("#choice_options_sv").fill("Soppa\nSallad");
  await page.getByRole("button", { name: "Save form" }).click();
  await expect(page.locator("#choice_options_sv")).toHaveAttribute("aria-invalid", "true");
  await page.locator("#choice_options_sv").fill("Soppa\nSallad\nSmörgås");
  await page.getByRole("button", { name: "Save form" }).click();

  // Saved: the editor now edits it, shows its QR code and flags the three missing languages.
  await expect(page).toHaveURL(/\/console\/feedback\/setup\?form=\d+$/);
  await expect(page.getByRole("heading", { name: `Edit “${name}”` })).toBeVisible();
  await expect(page.locator(".missing-note")).toHaveCount(3);
  await expect(page.locator("fieldset.language", { hasText: "Latviešu" }).locator(".missing-note")).toHaveText(
    "Not translated: customers using Latviešu see the English text.",
  );
  const row = page.getByRole("row", { name: new RegExp(name) });
  await expect(row).toContainText("Norsk bokmål, Latviešu, Português");
  const link = (await row.getByRole("link").first().textContent()) ?? "";
  expect(link).toMatch(/\/feedback\/table-card-\d+$/);
  const qr = page.getByRole("img", { name: "QR code for the form's public link" });
  await expect(qr).toBeVisible();
  expect((await page.request.get((await qr.getAttribute("src")) ?? "")).status()).toBe(200);
  await expectAccessible(page);

  // A Swedish visitor (by the browser's language) sees the Swedish question and answers it.
  const path = new URL(link).pathname;
  for (const [locale, title, question, option] of [
    ["sv-SE", "Hur var lunchen?", "Vad åt du?", "Smörgås"],
    ["lv-LV", "How was lunch?", "What did you eat?", "Sandwich"],
  ]) {
    const context = await browser.newContext({ locale, viewport: { width: 390, height: 844 } });
    const visitor = await context.newPage();
    const errors = watchErrors(visitor);
    await goto(visitor, path);
    await expect(visitor.getByRole("heading", { name: title })).toBeVisible();
    const choice = visitor.getByRole("group", { name: question });
    await choice.getByText(option, { exact: true }).click();
    await visitor.locator('label[for="nps-9"]').click();
    await visitor.getByRole("button", { name: /^(Skicka|Nosūtīt)$/ }).click();
    await expect(visitor.getByRole("status")).toBeVisible();
    expect(errors).toEqual([]);
    await context.close();
  }
  // Switching the language on the page switches the form's texts too, without a reload.
  await goto(page, path);
  await expect(page.getByRole("heading", { name: "How was lunch?" })).toBeVisible();
  await page.getByRole("banner").getByLabel("Language", { exact: true }).selectOption("sv");
  await expect(page.getByRole("heading", { name: "Hur var lunchen?" })).toBeVisible();
  await expect(page.getByRole("group", { name: "Vad åt du?" })).toBeVisible();
  await page.getByRole("banner").getByLabel("Språk", { exact: true }).selectOption("en");
  await expect(page.getByRole("heading", { name: "How was lunch?" })).toBeVisible();
});

test("staff assign a case and filter the inbox by assignee and location", async ({ page }) => {
  await signIn(page, "owner@example.com");
  await expect(page).toHaveURL(/\/console$/);
  await goto(page, "/console/feedback");
  // The demo's newest case (yesterday's dry bread at Main Street) is unassigned.
  const row = page.getByRole("row", { name: /João/ }).first();
  await expect(row).toContainText("New");
  await row.getByRole("link").click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(/^Case #\d+$/);
  const caseUrl = page.url();
  await page.getByLabel("Assigned to", { exact: true }).selectOption({ label: "Sanna" });
  await page.getByRole("button", { name: "Assign", exact: true }).click();
  await expect(page.locator(".case .timeline")).toContainText("Assigned");
  await expect(page.locator(".case")).toContainText("Assigned to: Sanna");
  await page.getByLabel("Status", { exact: true }).selectOption({ label: "In progress" });
  await page.getByRole("button", { name: "Change status" }).click();
  await expect(page.locator(".case strong").first()).toHaveText("In progress");

  await goto(page, "/console/feedback");
  await page.getByLabel("Assigned to", { exact: true }).selectOption({ label: "Sanna" });
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/assignee=\d+/);
  const rows = page.locator("tbody tr");
  await expect(rows).toHaveCount(1);
  await expect(rows.first().getByRole("link")).toHaveAttribute("href", new URL(caseUrl).pathname);
  await page.getByLabel("Location", { exact: true }).selectOption({ label: "Harbour" });
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page.getByText("No cases here.")).toBeVisible();
  await expectAccessible(page);
});
