import { expect } from "@playwright/test";
import { expectAccessible, goto, signIn, test } from "./helpers";

// A real 1×1 PNG (teal), small enough to keep in the test.
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkaPj/HwAEhAJ/PSbCFwAAAABJRU5ErkJggg==",
  "base64",
);

test("the shop's name, colour and logo replace the product's on the portal", async ({ page, browser }) => {
  await signIn(page, "owner@example.com");
  await expect(page).toHaveURL(/\/console$/);
  await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Settings" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Settings");
  const brand = page.locator("section.card", { has: page.getByRole("heading", { name: "Name and colour" }) });
  await brand.getByLabel("Shop name", { exact: true }).fill("Kafé Linné");
  await brand.getByLabel("Brand colour", { exact: true }).fill("#7a1f3d");
  await brand.getByRole("button", { name: "Save", exact: true }).click();
  await expect(brand.locator(".saved")).toContainText("Saved.");
  await page.getByLabel("Logo image", { exact: true }).setInputFiles({ name: "logo.png", mimeType: "image/png", buffer: PNG });
  await page.getByRole("button", { name: "Upload logo" }).click();
  await expect(page.getByText("Logo saved.")).toBeVisible();
  await expect(page.getByRole("img", { name: "Current logo" })).toBeVisible();
  await expectAccessible(page);

  // A member on the portal, and a visitor on a public page, see the shop, not the product.
  const member = await browser.newPage();
  // João (Ola's password is changed by the accounts tests).
  await signIn(member, "joao@example.com");
  await expect(member.getByRole("heading", { level: 1 })).toContainText("João");
  await expect(member.locator(".top-bar .brand")).toHaveText("Kafé Linné");
  await expect(member).toHaveTitle("Kafé Linné");
  const logo = member.locator(".top-bar .brand img");
  await expect(logo).toHaveAttribute("src", /^\/brand\/logo\?v=\d+$/);
  expect(await logo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1);
  await goto(member, "/me/data");
  // João reads Portuguese; the profile form's button wears the shop's colour.
  await expect(member.locator(".my-data button.primary").first()).toHaveCSS("background-color", "rgb(122, 31, 61)");
  await member.close();
  const visitor = await browser.newPage();
  await goto(visitor, "/join");
  await expect(visitor.locator(".top-bar .brand")).toHaveText("Kafé Linné");
  await visitor.close();

  // Back to the product's name and look for the tests that follow.
  await page.getByRole("button", { name: "Remove the logo" }).click();
  await expect(page.getByText("Logo removed.")).toBeVisible();
  await brand.getByLabel("Shop name", { exact: true }).fill("");
  await brand.getByLabel("Brand colour", { exact: true }).fill("#1f5f4a");
  await brand.getByRole("button", { name: "Save", exact: true }).click();
  await expect(brand.locator(".saved")).toContainText("Saved.");
  await page.reload();
  await expect(page.locator(".top-bar .brand")).toHaveText("Regulars");
});
