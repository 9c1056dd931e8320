import { expect } from "@playwright/test";
import { readFileSync } from "node:fs";
import { confirmJoin, DEMO_PASSWORD, expectAccessible, goto, signIn, test } from "./helpers";

test("a member edits their profile, downloads their data and closes the account", async ({ page }) => {
  // A member of their own, so the demo's stay for the other tests.
  const email = `leaving-${Date.now()}@example.com`;
  await goto(page, "/join");
  await page.getByLabel("Preferred name", { exact: true }).fill("Lena");
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill("a long password");
  await page.getByRole("checkbox", { name: /offers by email/ }).check();
  await page.getByRole("main").getByRole("button", { name: "Join" }).click();
  await confirmJoin(page, email);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Hi, Lena!");

  await page.getByRole("link", { name: "My data" }).click();
  await expect(page).toHaveURL(/\/me\/data$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("My data");
  // Her own time zone, for quiet hours: a name the server does not know is the field's error.
  await page.getByLabel("Time zone", { exact: true }).fill("Lisbon");
  await page.getByRole("button", { name: "Save profile" }).click();
  await expect(page.locator(".field-error")).toContainText("Enter a time zone");
  await page.getByLabel("Time zone", { exact: true }).fill("Europe/Lisbon");
  await page.getByLabel("Birthday", { exact: true }).fill("1990-05-17");
  await page.getByLabel("Preferred name", { exact: true }).fill("Lena K");
  await page.getByRole("button", { name: "Save profile" }).click();
  await expect(page.locator(".saved").first()).toContainText("Saved.");
  // Offers by email off again: the change is recorded as proof.
  await page.getByRole("checkbox", { name: /offers by email/ }).uncheck();
  await page.getByRole("button", { name: "Save preferences" }).click();
  await expect(page.locator(".saved").nth(1)).toContainText("Saved.");
  await expectAccessible(page);

  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Download my data" }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^my-data-\d{4}-\d{2}-\d{2}\.json$/);
  const data = JSON.parse(readFileSync((await download.path())!, "utf8"));
  expect(data.account.email).toBe(email);
  expect(data.account.preferred_name).toBe("Lena K");
  expect(data.account.birthday).toBe("1990-05-17");
  expect(data.account.time_zone).toBe("Europe/Lisbon");
  expect(data.tables.consent_events.map((c: { granted: number; source: string }) => [c.granted, c.source])).toEqual([
    [1, "sign_up"],
    [0, "portal"],
  ]);

  await page.getByLabel("Your password, to confirm", { exact: true }).fill("not my password");
  await page.getByRole("button", { name: "Close my account" }).click();
  await expect(page.locator(".field-error")).toHaveText("That is not your current password.");
  await page.getByLabel("Your password, to confirm", { exact: true }).fill("a long password");
  await page.getByRole("button", { name: "Close my account" }).click();
  await expect(page.getByText("Your account is closed")).toBeVisible();
  await expect(page.getByRole("banner").getByRole("link", { name: "Sign in" })).toBeVisible();

  // The address and password no longer open anything.
  await signIn(page, email, "a long password");
  await expect(page.getByRole("alert")).toHaveText("The email or password is wrong.");
  await expect(page).toHaveURL(/\/sign-in/);
});

test("my data works without WASM, in Swedish", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false, locale: "sv-SE" });
  const page = await context.newPage();
  await page.goto("/sign-in");
  await page.getByLabel("E-post", { exact: true }).fill("anna@example.com");
  await page.getByLabel("Lösenord", { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole("main").getByRole("button", { name: "Logga in" }).click();
  await page.goto("/me/data");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Mina uppgifter");
  await page.getByLabel("Födelsedag", { exact: true }).fill("2999-01-01");
  await page.getByRole("button", { name: "Spara profilen" }).click();
  await expect(page.locator(".field-error")).toContainText("mellan 1900 och i dag");
  await context.close();
});
