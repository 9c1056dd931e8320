import { expect } from "@playwright/test";
import { expectAccessible, goto, signIn, test } from "./helpers";

test("a text-message campaign counts characters and parts while the owner types, names what makes it Unicode, and previews as Līga", async ({ page }) => {
  const run = Date.now() % 100000;
  await signIn(page, "owner@example.com");
  await expect(page).toHaveURL(/\/console$/);
  await goto(page, "/console/campaigns");
  const create = page.locator("section[aria-labelledby=campaign-new]");
  await create.getByLabel("Campaign name").fill(`Double points by text ${run}`);
  await create.getByLabel("Channel").selectOption({ label: "Text message" });
  await create.getByRole("button", { name: "Create draft" }).click();
  await expect(page).toHaveURL(/\/console\/campaigns\/\d+$/);

  const block = (language: string) =>
    page.locator("details.language-message", { has: page.locator(`summary:has-text("${language}")`) });
  // A text has only a body: no subject, no preheader.
  const en = block("English");
  await en.locator("summary").click();
  await expect(en.getByLabel("Subject")).toHaveCount(0);
  await en.getByLabel("Message").fill("Hi {{ preferred_name }}! Double points this week.");
  // Counted with the opt-out line the member gets ("Reply STOP to opt out"), as written:
  // the template's braces are GSM extension characters (two each), 75 in all.
  await expect(en.locator(".sms-counter")).toContainText("75 characters · 1 SMS · 85 left");
  await expect(en.locator(".sms-counter")).toContainText("Plain alphabet (GSM)");
  await en.getByRole("button", { name: "Save" }).click();
  await expect(block("English").locator(".missing-badge")).toHaveCount(0);

  // One Latvian letter turns the whole text into Unicode: the counter says which ones.
  const lv = block("Latviešu");
  await lv.locator("summary").click();
  await lv.getByLabel("Message").fill("Sveiki, {{ preferred_name }}! Šonedēļ dubulti punkti.");
  await expect(lv.locator(".sms-counter")).toContainText("Unicode because of “Š” “ē” “ļ”");
  // 83 UTF-16 units: over the 70 of one Unicode SMS.
  await expect(lv.locator(".sms-counter")).toContainText("83 characters · 2 SMS");
  await lv.getByLabel("Message").fill("Sveiki, {{ preferred_name }}! Dubulti punkti visu nedelu, visos veikalos, katram pirkumam.");
  await expect(lv.locator(".sms-counter")).toContainText("Plain alphabet (GSM)");
  await expect(lv.locator(".sms-counter")).toContainText("124 characters · 1 SMS · 36 left");
  await lv.getByLabel("Message").fill("Sveiki, {{ preferred_name }}! Šonedēļ dubulti punkti.");
  await lv.getByRole("button", { name: "Save" }).click();
  await expect(block("Latviešu").locator(".missing-badge")).toHaveCount(0);

  // The preview is the text Līga's phone gets, in Latvian, with its cost.
  const preview = page.locator("section[aria-labelledby=preview]");
  await preview.getByLabel("Language").first().selectOption("lv");
  await preview.getByLabel("As member").fill("liga@example.com");
  await preview.getByRole("button", { name: "Show preview" }).click();
  await expect(preview.locator(".sms-bubble")).toContainText("Sveiki, Līga! Šonedēļ dubulti punkti");
  await expect(preview.locator(".sms-bubble")).toContainText("Atbildiet STOP, lai atteiktos");
  // Rendered, it fits one Unicode SMS: 67 of 70.
  await expect(preview.locator(".sms-preview .sms-counter")).toContainText("67 characters · 1 SMS · 3 left");
  await expectAccessible(page);
});
