import { expect } from "@playwright/test";
import { expectAccessible, goto, signIn, test, watchErrors } from "./helpers";

// The demo has "double points on Tuesdays" in its time zone (Stockholm); the server runs on
// the real clock.
const stockholmDay = new Intl.DateTimeFormat("en-US", { weekday: "short", timeZone: "Europe/Stockholm" }).format(new Date());
const factor = stockholmDay === "Tue" ? 2 : 1;
const fmt = (n: number) => n.toLocaleString("en-US");

test("a purchase and a refund at the counter show up in the member's balance, history and tier progress", async ({ page, browser }) => {
  await signIn(page, "owner@example.com");
  await expect(page).toHaveURL(/\/console$/);
  await goto(page, "/console/counter");
  // The counter works at one location, remembered for the account.
  await page.getByLabel("Location", { exact: true }).selectOption({ label: "Harbour" });
  await Promise.all([page.waitForResponse(/set_counter_place/), page.getByRole("button", { name: "Set location" }).click()]);
  // Sam is found by phone, typed with spaces.
  await page.getByLabel("Member number, phone, email or name", { exact: true }).fill("+44 7700 900123");
  await page.getByRole("button", { name: "Find" }).click();
  const panel = page.locator(".member-panel");
  await expect(panel.getByRole("heading", { level: 2 })).toHaveText("Sam");

  const earned = 600 * factor;
  const purchase = panel.getByRole("form", { name: "Record a purchase" });
  await expect(purchase.getByLabel("Amount", { exact: true })).toBeFocused();
  await purchase.getByLabel("Amount", { exact: true }).fill("600,00");
  await purchase.getByLabel("Receipt number (optional)").fill("R-1001");
  await purchase.getByRole("button", { name: "Record purchase" }).click();
  // Announced on the counter, which is cleared for the next customer.
  const outcome = page.locator(".outcome");
  await expect(outcome).toContainText(`Purchase recorded: €600.00, ${fmt(earned)} points earned.`);
  await expect(outcome).toContainText("New tier: Silver");
  await expect(panel).toHaveCount(0);
  await page.getByLabel("Member number, phone, email or name", { exact: true }).fill("0044 7700 900123");
  await page.getByRole("button", { name: "Find" }).click();
  await expect(panel.locator(".balance-value")).toHaveText(fmt(earned));
  await expect(panel.locator(".tier-name")).toHaveText("Silver");
  await expectAccessible(page);

  // Sam, in another browser.
  const memberContext = await browser.newContext();
  const member = await memberContext.newPage();
  const memberErrors = watchErrors(member);
  await signIn(member, "sam@example.com");
  await expect(member.locator(".balance-value")).toHaveText(fmt(earned));
  await expect(member.locator(".tier-name")).toHaveText("Silver");
  await expect(member.getByText(`${fmt(1500 - earned)} points to Gold`)).toBeVisible();
  await expect(member.getByText(new RegExp(`${fmt(earned)} points expire on`))).toBeVisible();
  await expect(member.getByRole("row", { name: new RegExp(`Purchase R-1001 Harbour \\+${fmt(earned)} ${fmt(earned)}`) })).toBeVisible();
  await expect(member.getByRole("img", { name: "QR code with your member number" })).toBeVisible();
  await expectAccessible(member);
  await member.getByRole("link", { name: "See all your points history" }).click();
  await expect(member.getByRole("heading", { level: 1 })).toHaveText("Points history");
  await expect(member.getByRole("row", { name: /Purchase R-1001 Harbour/ })).toBeVisible();
  await expectAccessible(member);

  // Half of it comes back: half of its points leave the balance.
  // Asked first, with what it takes back.
  const back = earned / 2;
  await page.getByLabel("Refund amount").fill("300");
  await page.getByRole("button", { name: "Refund", exact: true }).click();
  await expect(panel.getByText(`Refund €300.00 and take back ${fmt(back)} points?`)).toBeVisible();
  await expect(panel.locator(".balance-value")).toHaveText(fmt(earned));
  await page.getByRole("button", { name: "Yes, refund" }).click();
  await expect(panel.locator(".balance-value")).toHaveText(fmt(earned - back));

  await goto(member, "/");
  await expect(member.locator(".balance-value")).toHaveText(fmt(earned - back));
  await expect(member.getByRole("row", { name: new RegExp(`Refund R-1001 Harbour −${fmt(back)} ${fmt(earned - back)}`) })).toBeVisible();
  // The refund takes back the tier the purchase bought when what is left no longer earns it.
  const left = earned - back;
  if (left >= 500) {
    await expect(member.locator(".tier-name")).toHaveText("Silver");
    await expect(member.getByText(`${fmt(1500 - left)} points to Gold`)).toBeVisible();
  } else {
    await expect(member.locator(".tier-name")).toHaveText("Bronze");
    await expect(member.getByText(`${fmt(500 - left)} points to Silver`)).toBeVisible();
  }
  expect(memberErrors).toEqual([]);
  await memberContext.close();
});

test("the program page shows the rules and previews what a purchase earns", async ({ page }) => {
  await signIn(page, "owner@example.com");
  await expect(page).toHaveURL(/\/console$/);
  await goto(page, "/console/programs");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Loyalty program");
  await expect(page.getByRole("row", { name: /Gold 1,500 ×1.5/ })).toBeVisible();
  await expect(page.getByText("Double points on Tuesdays")).toBeVisible();
  const preview = page.getByRole("form", { name: "Preview a purchase" });
  await preview.getByLabel("Amount", { exact: true }).fill("100");
  await preview.getByLabel("Tier", { exact: true }).selectOption({ label: "Gold" });
  await preview.getByLabel("Date", { exact: true }).fill("2027-01-05");
  await preview.getByRole("button", { name: "Preview" }).click();
  await expect(page.getByText("This purchase would earn 300 points.")).toBeVisible();
  await expectAccessible(page);
});
