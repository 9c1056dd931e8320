import { expect } from "@playwright/test";
import { expectAccessible, signIn, test } from "./helpers";

test("staff tag a member, find them by the tag, note something and see their purchases and case", async ({ page }) => {
  await signIn(page, "owner@example.com");
  await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Members" }).click();
  await expect(page).toHaveURL(/\/console\/members$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Members");
  // Any part of a name or email.
  await page.getByRole("searchbox", { name: "Find members" }).fill("la@exam");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(/q=la%40exam/);
  await page.getByRole("link", { name: "Ola", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Ola");

  const tag = `regular ${Date.now() % 100000}`;
  await page.getByLabel("New tag", { exact: true }).fill(tag.toUpperCase());
  await page.getByRole("button", { name: "Add tag" }).click();
  await expect(page.locator(".tags")).toContainText(tag);

  await page.getByLabel("New note", { exact: true }).fill("Likes the window table.");
  await page.getByRole("button", { name: "Add note" }).click();
  await expect(page.locator(".notes").first()).toContainText("Likes the window table.");
  await expect(page.locator(".notes").first()).toContainText("Olivia");
  // Ola's demo purchase and the case his feedback opened.
  await expect(page.locator("#purchases-title + .purchases")).toContainText("€23.90");
  await expect(page.getByRole("link", { name: /^Case #\d+$/ }).first()).toBeVisible();
  await expectAccessible(page);

  // Back to the list: the tag finds him.
  await page.getByRole("link", { name: "All members" }).click();
  await page.getByLabel("Tag", { exact: true }).selectOption(tag);
  await page.getByRole("button", { name: "Search" }).click();
  const found = page.locator(".member-list li");
  await expect(found).toHaveCount(1);
  await expect(found).toContainText("ola@example.com");

  // The tag comes off again.
  await found.getByRole("link", { name: "Ola" }).click();
  await page.getByRole("button", { name: `Remove the tag ${tag}` }).click();
  await expect(page.locator(".tags")).toHaveCount(0);
});

test("the member list works without WASM, and members are refused", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto("/sign-in");
  await page.getByLabel("Email", { exact: true }).fill("staff@example.com");
  await page.getByLabel("Password", { exact: true }).fill("regulars-demo");
  await page.getByRole("main").getByRole("button", { name: "Sign in" }).click();
  await page.goto("/console/members?q=anna");
  await page.getByRole("link", { name: "Anna", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Anna");
  await page.getByLabel("Ny tagg", { exact: true }).fill("stamkund");
  await page.getByRole("button", { name: "Lägg till tagg" }).click();
  await expect(page.locator(".tags")).toContainText("stamkund");
  await context.close();

  const member = await browser.newPage();
  await signIn(member, "anna@example.com");
  await expect(member.getByRole("heading", { level: 1 })).toHaveText("Hej, Anna!");
  const res = await member.goto("/console/members");
  expect(res?.status()).toBe(403);
  await expect(member.getByRole("heading", { level: 1 })).toHaveText("Endast personal");
  await member.close();
});
