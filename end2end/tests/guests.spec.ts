import { expect, type Page } from "@playwright/test";
import { expectAccessible, goto, signIn, test } from "./helpers";

// A sale to a customer who is not a member, recorded at the counter and partly refunded, counts
// in this month's sales without a member and in members' share of sales on the glance page
// (the demo shop records some: yesterday's sales without a member).

const money = (s: string) => Math.round(Number(s.replace(/[^\d.]/g, "")) * 100);

/** This month's members' and non-members' sales after refunds and members' share, from the
 * glance page's table (newest month first), and the share tile. */
async function shares(page: Page) {
  await goto(page, "/console/analytics");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Retention at a glance");
  const table = page.getByRole("region", { name: "Month by month" });
  await expect(table.getByRole("columnheader", { name: "Members' share" })).toBeVisible();
  const cells = await table.locator("tbody tr").first().locator("td").allInnerTexts();
  const tile = page.locator(".stats > div", { has: page.getByText(/^Members' share of sales, /) });
  return { members: money(cells[5]), others: money(cells[7]), share: cells[8], tile: await tile.locator("dd").first().innerText() };
}

test("a sale without a member at the counter, partly refunded, counts in members' share of sales", async ({ page }) => {
  await signIn(page, "owner@example.com");
  await expect(page).toHaveURL(/\/console$/);
  const before = await shares(page);

  await goto(page, "/console/counter");
  await page.getByLabel("Location", { exact: true }).selectOption({ label: "Harbour" });
  await Promise.all([page.waitForResponse(/set_counter_place/), page.getByRole("button", { name: "Set location" }).click()]);
  const card = page.locator("section", { has: page.getByRole("heading", { name: "Sale without a member" }) });
  // A mistake is the field's, and records nothing.
  await card.getByLabel("Amount", { exact: true }).fill("twelve");
  await card.getByRole("button", { name: "Record the sale" }).click();
  await expect(card.getByText("Enter an amount like 12.50 (at most 10 million).")).toBeVisible();
  await card.getByLabel("Amount", { exact: true }).fill("20.00");
  await card.getByLabel("Receipt number (optional)").fill("T-2041");
  await card.getByRole("button", { name: "Record the sale" }).click();
  await expect(card.getByRole("status")).toHaveText("Sale without a member recorded: €20.00.");
  const sale = card.locator("li", { hasText: "T-2041" });
  await expect(sale).toContainText("€20.00");
  await expectAccessible(page);

  await sale.getByLabel("Refund amount").fill("5");
  await sale.getByRole("button", { name: "Refund" }).click();
  await expect(card.getByRole("status")).toHaveText("Refunded €5.00 of a sale without a member.");
  await expect(card.locator("li", { hasText: "T-2041" })).toContainText("Refunded so far: €5.00");

  // €15.00 more sold without a member this month; members' share follows, rounded half up.
  const after = await shares(page);
  expect(after.members).toBe(before.members);
  expect(after.others).toBe(before.others + 1500);
  const share = Math.floor((after.members * 200 + after.members + after.others) / (2 * (after.members + after.others)));
  expect(after.share).toBe(`${share}%`);
  expect(after.tile).toBe(`${share}%`);
  await expectAccessible(page);
});
