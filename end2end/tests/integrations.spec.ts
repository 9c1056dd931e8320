import { expect } from "@playwright/test";
import { expectAccessible, goto, joinByRequest, signIn, test } from "./helpers";

test("an owner makes an API key, a till uses it, and once revoked it is refused", async ({ page, request, browser }) => {
  await signIn(page, "owner@example.com");
  await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Integrations" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Integrations");
  // Without a scope the key is refused, naming what is missing.
  await page.getByLabel("Name", { exact: true }).fill("Web shop");
  await page.getByRole("button", { name: "Create key" }).click();
  await expect(page.getByText("Choose at least one thing the key may do.")).toBeVisible();
  await page.getByLabel("Find members and read points and offers").check();
  await page.getByLabel("Record purchases and refunds").check();
  await page.getByLabel("Location", { exact: true }).selectOption({ label: "Harbour" });
  await page.getByRole("button", { name: "Create key" }).click();
  const secret = page.locator("code.secret");
  await expect(secret).toHaveText(/^rgl_[0-9a-f]{64}$/);
  const key = (await secret.textContent()) ?? "";
  const row = page.getByRole("row", { name: /Web shop/ });
  await expect(row).toContainText("Harbour");
  await expect(row).toContainText("Never");
  await expectAccessible(page);

  // The till calls the API with it.
  const found = await request.get("/api/v1/members?email=sam%40example.com", { headers: { Authorization: `Bearer ${key}` } });
  expect(found.status()).toBe(200);
  expect((await found.json()).members[0].name).toBe("Sam");
  // The secret is not shown again; the list says it was used.
  await page.reload();
  await expect(page.locator("code.secret")).toHaveCount(0);
  await expect(page.getByRole("row", { name: /Web shop/ })).not.toContainText("Never");

  // A webhook told of new members: its secret shown once, a member who joins in its log.
  await page.getByLabel("URL", { exact: true }).fill("https://hooks.shop.example/regulars");
  await page.getByRole("button", { name: "Add webhook" }).click();
  await expect(page.getByText("Choose at least one event.")).toBeVisible();
  await page.getByLabel("A member joined").check();
  await page.getByRole("button", { name: "Add webhook" }).click();
  await expect(page.locator("code.secret").last()).toHaveText(/^whsec_[0-9a-f]{64}$/);
  const visitor = await browser.newContext();
  await joinByRequest(visitor.request, { email: `hooked-${Date.now()}@example.com`, password: "a long password", preferred_name: "Hook", language: "en" });
  await visitor.close();
  await page.reload();
  const log = page.locator("section.card", { has: page.getByRole("heading", { name: "Deliveries" }) });
  await expect(log.getByRole("row", { name: /member\.joined/ })).toBeVisible();
  await expectAccessible(page);
  await page.getByRole("button", { name: "Remove https://hooks.shop.example/regulars" }).click();
  await expect(page.getByText("No webhooks yet.")).toBeVisible();

  await page.getByRole("button", { name: "Revoke Web shop" }).click();
  await expect(page.getByRole("row", { name: /Web shop/ })).toContainText("Revoked");
  const refused = await request.get("/api/v1/members?email=sam%40example.com", { headers: { Authorization: `Bearer ${key}` } });
  expect(refused.status()).toBe(401);
  expect(refused.headers()["content-type"]).toBe("application/problem+json");
});

test("only owners see the integrations", async ({ page }) => {
  await signIn(page, "manager@example.com");
  await expect(page).toHaveURL(/\/console$/);
  const nav = page.getByRole("navigation", { name: "Console" });
  await expect(nav.getByRole("link").first()).toBeVisible();
  await expect(nav.getByRole("link", { name: /Integra/ })).toHaveCount(0);
  await goto(page, "/console/integrations");
  // Both parts of the page (keys, webhooks) are refused.
  await expect(page.getByRole("alert")).toHaveCount(2);
});
