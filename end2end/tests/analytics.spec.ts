import { readFileSync } from "node:fs";
import { expect, type Page } from "@playwright/test";
import { expectAccessible, goto, joinByRequest, signIn, test } from "./helpers";

// Retention by join month on the demo shop: its members joined this month (the demo is loaded
// when the server starts), so the last cohort is this month's. A member who joins now and buys
// at the counter adds one to the cohort and one to "bought in month 0", in both tables and in
// the download (a new member, so the demo members other tests rely on are left as they are).

const num = (s: string) => Number(s.replace(/,/g, ""));

/** The glance page's members buying in the last 30 days, and this month's buyers and purchases. */
async function glance(page: Page) {
  await goto(page, "/console/analytics");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Retention at a glance");
  const stat = page.locator(".stats > div", { has: page.getByText("Bought in the last 30 days", { exact: true }) });
  const cells = await page.getByRole("region", { name: "Month by month" }).locator("tbody tr").first().locator("td").allInnerTexts();
  return { active30: num(await stat.locator("dd").first().innerText()), buying: num(cells[0]), purchases: num(cells[3]) };
}

/** Joined and month-0 buyers of the last (current) cohort, as the counts table shows them. */
async function currentCohort(page: Page) {
  const counts = page.locator("section", { has: page.getByRole("heading", { name: "Members buying", exact: true }) });
  const row = counts.locator("tbody tr").last();
  const cells = await row.locator("td").allInnerTexts();
  return { month: await row.locator("th").innerText(), joined: Number(cells[0].replace(/,/g, "")), buying: Number(cells[1].replace(/,/g, "")) };
}

test("at a glance and by join month: a new member's purchase counts, as numbers, shares and CSV", async ({ page, browser }) => {
  await signIn(page, "owner@example.com");
  await expect(page).toHaveURL(/\/console$/);
  const glanceBefore = await glance(page);
  await expectAccessible(page);
  await page.getByRole("navigation", { name: "Analytics pages" }).getByRole("link", { name: "By join month" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Retention by join month");
  const before = await currentCohort(page);
  const thisMonth = new Intl.DateTimeFormat("en-US", { month: "short", year: "numeric", timeZone: "Europe/Stockholm" }).format(new Date());
  expect(before.month).toBe(thisMonth);
  // The demo's five members at least (sign-ups in other tests join this month too).
  expect(before.joined).toBeGreaterThanOrEqual(5);

  // Someone joins, and buys at the counter.
  const email = `cohort-${Date.now()}@example.com`;
  const visitor = await browser.newContext();
  await joinByRequest(visitor.request, { email, password: "a long password", preferred_name: "Cora", language: "en" });
  await visitor.close();
  await goto(page, "/console/counter");
  await page.getByLabel("Location", { exact: true }).selectOption({ label: "Main Street" });
  await Promise.all([page.waitForResponse(/set_counter_place/), page.getByRole("button", { name: "Set location" }).click()]);
  await page.getByLabel("Member number, phone, email or name", { exact: true }).fill(email);
  await page.getByRole("button", { name: "Find" }).click();
  const purchase = page.locator(".member-panel").getByRole("form", { name: "Record a purchase" });
  await purchase.getByLabel("Amount", { exact: true }).fill("12.50");
  await purchase.getByRole("button", { name: "Record purchase" }).click();
  await expect(page.locator(".outcome")).toContainText("Purchase recorded: €12.50");

  // At a glance: one more member bought in the last 30 days and this month, one purchase more.
  const glanceAfter = await glance(page);
  expect(glanceAfter).toEqual({ active30: glanceBefore.active30 + 1, buying: glanceBefore.buying + 1, purchases: glanceBefore.purchases + 1 });

  await goto(page, "/console/analytics/cohorts");
  const after = await currentCohort(page);
  expect(after).toEqual({ ...before, joined: before.joined + 1, buying: before.buying + 1 });
  // The heat map shows the same as a share of the cohort.
  const shares = page.locator("section", { has: page.getByRole("heading", { name: "Share of members buying" }) });
  const share = Math.floor((after.buying * 200 + after.joined) / (2 * after.joined));
  await expect(shares.locator("tbody tr").last().locator("td").nth(1)).toHaveText(`${share}%`);
  await expectAccessible(page);

  // The download holds the same numbers.
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download as CSV" }).click();
  const lines = readFileSync(await (await download).path(), "utf8").trim().split("\n");
  expect(lines[0]).toBe("cohort,joined,month,months_since_joining,members_buying,share_percent");
  const last = lines[lines.length - 1].split(",");
  expect(last.slice(1).map(String)).toEqual([String(after.joined), last[2], "0", String(after.buying), String(share)]);
  expect(last[0]).toBe(last[2]);
});
