import { readFileSync } from "node:fs";
import { expect, type Page } from "@playwright/test";
import { goto, signIn, test } from "./helpers";

// The console at a busy till and on a manager's phone: previews that follow the form, saves
// that say so, errors in each form's own words, numbers in the viewer's locale, layouts that
// fit.

async function owner(page: Page) {
  await signIn(page, "owner@example.com");
  await expect(page).toHaveURL(/\/console$/);
}

test("the earning preview uses the rate on the form before it is saved", async ({ page }) => {
  await owner(page);
  await goto(page, "/console/programs");
  const preview = page.getByRole("form", { name: "Preview a purchase" });
  await preview.getByLabel("Amount", { exact: true }).fill("100");
  // A Wednesday: no bonus rule.
  await preview.getByLabel("Date", { exact: true }).fill("2027-01-06");
  await preview.getByRole("button", { name: "Preview" }).click();
  await expect(page.getByText("This purchase would earn 100 points.")).toBeVisible();
  // Typed, not saved (with a decimal comma): the preview follows the form.
  await page.getByLabel("Points per currency unit", { exact: true }).fill("2,5");
  await preview.getByRole("button", { name: "Preview" }).click();
  await expect(page.getByText("This purchase would earn 250 points.")).toBeVisible();
  await page.reload();
  await expect(page.getByLabel("Points per currency unit", { exact: true })).toHaveValue("1");
});

test("saving settings and adding an offer say that they did", async ({ page }) => {
  await owner(page);
  await goto(page, "/console/programs");
  const settings = page.locator("section", { has: page.getByRole("heading", { name: "Earning, expiry and tiers" }) });
  // The shop's country: unset, it follows the time zone (Sweden, the same rules for phone
  // numbers, so other tests are not disturbed).
  const country = settings.getByLabel("Country", { exact: true });
  await expect(country.locator("option:checked")).toHaveText("From the time zone (Sweden)");
  await country.selectOption({ label: "Sweden" });
  await settings.getByRole("button", { name: "Save" }).click();
  await expect(settings.getByRole("status")).toHaveText("Saved.");
  await page.reload();
  await expect(settings.getByLabel("Country", { exact: true })).toHaveValue("SE");
  await settings.getByLabel("Country", { exact: true }).selectOption("");
  await settings.getByRole("button", { name: "Save" }).click();
  await expect(settings.getByRole("status")).toHaveText("Saved.");

  await goto(page, "/console/offers");
  const offers = page.getByRole("form", { name: "Add an offer" });
  await offers.getByLabel("Title", { exact: true }).fill("Cake Friday");
  await offers.getByLabel("What it gives", { exact: true }).selectOption({ label: "Free item" });
  await offers.getByRole("button", { name: "Add offer" }).click();
  await expect(offers.getByRole("status")).toHaveText("Offer added.");
  await expect(page.getByRole("cell", { name: "Cake Friday" })).toBeVisible();
  const perks = page.locator("section", { has: page.getByRole("heading", { name: "Next-visit discount" }) });
  await perks.getByRole("button", { name: "Save" }).click();
  await expect(perks.getByRole("status")).toHaveText("Saved.");

  await goto(page, "/console/feedback/setup");
  const rules = page.locator("section", { has: page.getByRole("heading", { name: "When a case opens" }) });
  await rules.getByRole("button", { name: "Save" }).click();
  await expect(rules.getByRole("status")).toHaveText("Saved.");
});

test("each catalog form names what its empty field lacks", async ({ page }) => {
  await owner(page);
  await goto(page, "/console/offers");
  const offers = page.getByRole("form", { name: "Add an offer" });
  await offers.getByRole("button", { name: "Add offer" }).click();
  await expect(offers.getByText("Give the offer a title.")).toBeVisible();
  await expect(page.getByText("Tell us what to call you.")).toHaveCount(0);

  await goto(page, "/console/programs");
  await page.getByText("Add a tier").click();
  await page.locator("#tier-threshold").fill("9000");
  await page.locator("#tier-name").locator("xpath=ancestor::form").getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Give the tier a name.")).toBeVisible();
  await page.getByRole("form", { name: "Add a reward" }).getByRole("button", { name: "Add reward" }).click();
  await expect(page.getByText("Give the reward a name.")).toBeVisible();
});

test("numbers on the console are written the viewer's way", async ({ page }) => {
  // The manager reads Portuguese.
  await signIn(page, "manager@example.com");
  await expect(page).toHaveURL(/\/console$/);
  await goto(page, "/console/programs");
  const tiers = page.getByRole("group", { name: "Níveis" });
  await expect(tiers.getByRole("row", { name: /Gold/ })).toContainText("×1,5");
  await expect(page.getByRole("main")).not.toContainText("×1.5");
  await expect(page.getByLabel("Pontos por unidade de moeda", { exact: true })).toHaveValue("1");
  await goto(page, "/console/offers");
  await expect(page.getByLabel("Compra mínima para ganhar", { exact: true })).toHaveValue("20,00");
  await expect(page.getByRole("main")).not.toContainText(/\d\.\d\d\b/);
  await goto(page, "/console/feedback/quality?weeks=52");
  await expect(page.getByRole("main")).toContainText("100%");
});

test("the rewards table fits a laptop, and the quality page leaves out CSAT nobody is asked", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await owner(page);
  await goto(page, "/console/programs");
  const rewards = page.getByRole("group", { name: "Rewards" });
  await expect(rewards).toBeVisible();
  const overflow = await rewards.evaluate((el) => el.scrollWidth - el.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);

  await goto(page, "/console/feedback/quality?weeks=52");
  await expect(page.getByRole("columnheader", { name: "NPS" }).first()).toBeVisible();
  await expect(page.getByRole("columnheader", { name: "Satisfied (CSAT)" })).toHaveCount(0);
  await expect(page.locator(".stats dt", { hasText: "Satisfied (CSAT)" })).toHaveCount(0);
});

test.describe("on a phone", () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test("the console's sections open from a menu, and the inbox shows deadlines without scrolling sideways", async ({ page }) => {
    await owner(page);
    await goto(page, "/console/feedback");
    const nav = page.getByRole("navigation", { name: "Console" });
    const sections = ["Overview", "Counter", "Programs", "Offers", "Feedback", "Campaigns", "Analytics", "Staff"];
    await nav.getByText("Menu").click();
    for (const name of sections) {
      await expect(nav.getByRole("link", { name, exact: true })).toBeInViewport({ ratio: 1 });
    }
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
    await nav.getByRole("link", { name: "Programs", exact: true }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Loyalty program");
    await expect(nav.getByRole("link", { name: "Programs", exact: true })).toBeHidden();

    await goto(page, "/console/feedback");
    // Priority-service cases come first: the overdue one may be further down, never aside.
    const overdue = page.getByRole("row").filter({ hasText: "Overdue" }).first();
    await overdue.scrollIntoViewIfNeeded();
    await expect(overdue.getByText("Overdue", { exact: true })).toBeInViewport({ ratio: 1 });
    await expect(overdue.getByRole("cell").nth(4)).toBeInViewport({ ratio: 1 });
  });
});

test("the audit log names who changed what, filters by kind and downloads as CSV", async ({ page }) => {
  await owner(page);
  // A change to find: the program's settings saved as they are.
  await goto(page, "/console/programs");
  const settings = page.locator("section", { has: page.getByRole("heading", { name: "Earning, expiry and tiers" }) });
  await settings.getByRole("button", { name: "Save" }).click();
  await expect(settings.getByRole("status")).toHaveText("Saved.");
  await page.getByRole("link", { name: "Audit log" }).first().click();
  await expect(page).toHaveURL(/\/console\/audit$/);
  const newest = page.getByRole("row").nth(1);
  await expect(newest).toContainText("program.settings");
  await expect(newest).toContainText("Olivia");
  // Filtered by kind: a link that keeps the filter, and the same filter as CSV.
  const filter = page.getByRole("form", { name: "Filter the audit log" });
  await filter.getByLabel("Kind of change", { exact: true }).selectOption("program");
  await filter.getByRole("button", { name: "Show" }).click();
  await expect(page).toHaveURL(/kind=program/);
  await expect(page.getByRole("row").nth(1)).toContainText("program.settings");
  const kinds = await page.locator("tbody tr td:nth-child(3)").allInnerTexts();
  expect(kinds.length).toBeGreaterThan(0);
  expect(kinds.every((k) => k.trim().startsWith("program."))).toBe(true);
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download as CSV" }).click();
  const csv = await (await download).path();
  const text = readFileSync(csv, "utf8");
  const lines = text.trim().split("\r\n");
  expect(lines[0]).toBe("id,at_utc,who,email,action,subject,detail");
  expect(lines.length).toBeGreaterThan(1);
  expect(lines.slice(1).every((l) => l.includes(",program."))).toBe(true);
});
