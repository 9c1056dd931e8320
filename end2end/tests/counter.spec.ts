import { expect } from "@playwright/test";
import { expectAccessible, goto, signIn, test } from "./helpers";

test("points adjusted and redeemed at the counter show up in the member's portal", async ({ page, browser }) => {
  await signIn(page, "owner@example.com");
  await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Counter" }).click();
  await page.getByLabel("Member number, phone, email or name", { exact: true }).fill("LIGA@example.com");
  await page.getByRole("button", { name: "Find" }).click();
  const panel = page.locator(".member-panel");
  await expect(panel.getByRole("heading", { level: 2 })).toHaveText("Līga");
  await expect(panel.getByText("No activity yet.")).toBeVisible();

  await panel.getByLabel("Points (+ or −)", { exact: true }).fill("+120");
  await panel.getByLabel("Reason", { exact: true }).fill("Welcome gift");
  await panel.getByRole("button", { name: "Save adjustment" }).click();
  await expect(panel.getByRole("row", { name: /Adjustment Welcome gift \+120 120/ })).toBeVisible();

  await panel.getByLabel("Points", { exact: true }).fill("20");
  await panel.getByRole("button", { name: "Redeem" }).click();
  await expect(panel.getByRole("row", { name: /Redeemed −20 100/ })).toBeVisible();

  await panel.getByLabel("Points", { exact: true }).fill("500");
  await panel.getByRole("button", { name: "Redeem" }).click();
  await expect(panel.getByText("The member does not have that many points.")).toBeVisible();
  await expect(panel.getByRole("row")).toHaveCount(3); // header + two movements: nothing was taken
  await expectAccessible(page);

  // The member, in their own browser and language.
  const memberContext = await browser.newContext();
  const member = await memberContext.newPage();
  await signIn(member, "liga@example.com");
  await expect(member.getByRole("heading", { level: 1 })).toHaveText("Sveiki, Līga!");
  await expect(member.locator(".balance-value")).toHaveText("100");
  await expect(member.getByRole("row", { name: /Izmantots −20 100/ })).toBeVisible();
  await expect(member.getByRole("row", { name: /Korekcija Welcome gift \+120 120/ })).toBeVisible();
  await expectAccessible(member);
  await memberContext.close();
});

test("an unknown member is reported, and staff without manager rights cannot adjust", async ({ page }) => {
  await signIn(page, "staff@example.com");
  await expect(page).toHaveURL(/\/console\/counter$/);
  await goto(page, "/console/counter?q=nobody%40example.com");
  await expect(page.getByText("Ingen medlem hittades.")).toBeVisible();
  await goto(page, "/console/counter?q=anna%40example.com");
  await expect(page.locator(".member-panel").getByRole("heading", { level: 2 })).toHaveText("Anna");
  await expect(page.getByRole("button", { name: "Lös in" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Spara justering" })).toHaveCount(0);
});
