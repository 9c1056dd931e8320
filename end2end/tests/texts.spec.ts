import { expect } from "@playwright/test";
import { expectAccessible, goto, signIn, test } from "./helpers";

test("a Latvian member reads offers in Latvian, or in the shop's language where there is no Latvian text", async ({ page, browser }) => {
  // A new offer with no translation yet; the editor flags it.
  await signIn(page, "owner@example.com");
  await expect(page).toHaveURL(/\/console$/);
  await goto(page, "/console/offers");
  const title = `Cinnamon Thursday ${Date.now() % 100000}`;
  const offers = page.getByRole("form", { name: "Add an offer" });
  await offers.getByLabel("Title", { exact: true }).fill(title);
  await offers.getByLabel("What it gives", { exact: true }).selectOption({ label: "Free item" });
  await offers.getByRole("button", { name: "Add offer" }).click();
  await expect(offers.getByRole("status")).toHaveText("Offer added.");
  await page.getByRole("link", { name: "Texts in every language" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Texts in every language");
  const item = page.locator("details.item-texts", { hasText: title });
  await expect(item.locator("summary")).toContainText("Not translated: Svenska, Norsk bokmål, Latviešu, Português");
  const beans = page.locator("details.item-texts", { hasText: "10 % off coffee beans" });
  await expect(beans.locator(".missing-badge")).toHaveCount(0);
  await expectAccessible(page);

  // Līga reads the coffee-bean offer in Latvian and the new one as the shop wrote it.
  const liga = await browser.newPage();
  await signIn(liga, "liga@example.com");
  await expect(liga.getByRole("heading", { level: 1 })).toHaveText("Sveiki, Līga!");
  const offerList = liga.locator("section[aria-labelledby=offers-title]");
  await expect(offerList.getByRole("heading", { name: "10 % atlaide kafijas pupiņām" })).toBeVisible();
  await expect(offerList.getByText("Paka pupiņu mājām, vienreiz katram dalībniekam.")).toBeVisible();
  await expect(offerList.getByRole("heading", { name: title })).toBeVisible();

  // Translated: she reads it in Latvian too.
  await item.locator("summary").click();
  await item.locator('input[name="name_lv"]').fill("Kanēļa ceturtdiena");
  await item.getByRole("button", { name: "Save" }).click();
  await expect(item.getByRole("status")).toHaveText("Saved.");
  await expect(page.locator("details.item-texts", { hasText: title }).locator("summary")).toContainText("Not translated: Svenska, Norsk bokmål, Português");
  await liga.reload();
  await expect(offerList.getByRole("heading", { name: "Kanēļa ceturtdiena" })).toBeVisible();
  await expect(offerList.getByRole("heading", { name: title })).toHaveCount(0);
  await liga.close();
});
