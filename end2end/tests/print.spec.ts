import { expect } from "@playwright/test";
import { expectAccessible, goto, joinByRequest, signIn, test } from "./helpers";

test("a manager prints a Swedish table card for the join page: on paper only the sheet, with its QR code", async ({ page }) => {
  await signIn(page, "manager@example.com");
  await expect(page).toHaveURL(/\/console$/);
  await goto(page, "/console/settings");
  // The Portuguese manager's settings link to the sheet.
  await page.getByRole("link", { name: "Imprimir um cartaz ou display de mesa" }).click();
  await expect(page).toHaveURL(/\/print\/join$/);
  await expect(page.locator(".print-sheet h1")).toHaveText(/^Torne-se membro de /);

  // He picks Swedish and the table card: the sheet changes, his own page does not.
  await page.getByRole("list", { name: "Idioma" }).getByRole("link", { name: "Svenska" }).click();
  await page.getByRole("list", { name: "Tamanho" }).getByRole("link", { name: "Display de mesa A6" }).click();
  await expect(page).toHaveURL(/\/print\/join\?size=a6&lang=sv$/);
  const sheet = page.locator("article.print-sheet.a6");
  await expect(sheet).toHaveAttribute("lang", "sv");
  await expect(sheet.locator("h1")).toHaveText(/^Bli medlem hos /);
  await expect(sheet).toContainText("Samla poäng på varje köp");
  await expect(page.locator(".print-controls .lede")).toContainText("Escolha o tamanho");
  const qr = sheet.getByRole("img", { name: /^QR-kod för http/ });
  await expect(qr).toHaveJSProperty("complete", true);
  expect(await qr.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(100);
  await expectAccessible(page);

  // Printed: the top bar and the choices are gone; the sheet is the page.
  await page.emulateMedia({ media: "print" });
  await expect(page.locator(".top-bar")).toBeHidden();
  await expect(page.locator(".print-controls")).toBeHidden();
  await expect(sheet).toBeVisible();
  await page.emulateMedia({ media: "screen" });
});

test("a member who takes no offers gives her postal address; the owner prints a campaign's letter to her, in Swedish", async ({ browser, page }) => {
  const run = Date.now() % 100000;
  const email = `lea-${run}@example.com`;
  // Lea joins in Swedish without offers by email or text, and gives her address on My data.
  const context = await browser.newContext();
  await joinByRequest(context.request, { email, password: "a long password", preferred_name: "Lea", language: "sv" });
  const lea = await context.newPage();
  await goto(lea, "/me/data");
  const address = lea.getByLabel("Postadress", { exact: true });
  await address.fill("Storgatan 1");
  await lea.getByRole("button", { name: "Spara profilen" }).click();
  await expect(lea.locator(".field-error")).toContainText("2 till 6 rader");
  await address.fill("Storgatan 1\n111 22 Stockholm");
  await lea.getByRole("button", { name: "Spara profilen" }).click();
  await expect(lea.locator(".saved").first()).toContainText("Sparat.");
  await context.close();

  // The owner sees it on her profile, adds the country at her request and tags her.
  await signIn(page, "owner@example.com");
  await expect(page).toHaveURL(/\/console$/);
  await goto(page, `/console/members?q=${encodeURIComponent(email)}`);
  await page.getByRole("link", { name: "Lea", exact: true }).click();
  const card = page.locator("section[aria-labelledby=address-title]");
  await expect(card.getByLabel("Postal address", { exact: true })).toHaveValue("Storgatan 1\n111 22 Stockholm");
  await card.getByLabel("Postal address", { exact: true }).fill("Storgatan 1\n111 22 Stockholm\nSweden");
  await card.getByRole("button", { name: "Save address" }).click();
  await expect(card.getByText("Saved.")).toBeVisible();
  const tag = `post ${run}`;
  await page.getByLabel("New tag", { exact: true }).fill(tag);
  await page.getByRole("button", { name: "Add tag" }).click();
  await expect(page.locator(".tags")).toContainText(tag);
  await expectAccessible(page);

  // A campaign to the tag, in English and Swedish.
  await goto(page, "/console/segments");
  const editor = page.locator("section[aria-labelledby=segment-edit]");
  await editor.getByLabel("Segment name").fill(`Post ${run}`);
  await editor.getByLabel("Tag", { exact: true }).fill(tag);
  await editor.getByRole("button", { name: "Save segment" }).click();
  await expect(editor.getByText("Saved.")).toBeVisible();
  await goto(page, "/console/campaigns");
  const create = page.locator("section[aria-labelledby=campaign-new]");
  await create.getByLabel("Campaign name").fill(`Spring ${run}`);
  await create.getByLabel("Segment").selectOption({ label: `Post ${run}` });
  await create.getByRole("button", { name: "Create draft" }).click();
  await expect(page).toHaveURL(/\/console\/campaigns\/\d+$/);
  const write = async (language: string, subject: string, body: string) => {
    const block = page.locator("details.language-message", { has: page.locator(`summary:has-text("${language}")`) });
    await block.locator("summary").click();
    await block.getByLabel("Subject").fill(subject);
    await block.getByLabel("Message").fill(body);
    await block.getByRole("button", { name: "Save" }).click();
    await expect(page.locator("details.language-message", { has: page.locator(`summary:has-text("${language}")`) }).locator(".missing-badge")).toHaveCount(0);
  };
  await write("English", "{{ preferred_name }}, spring is here", "Hello {{ preferred_name }}!");
  await write("Svenska", "{{ preferred_name }}, våren är här", "Hej {{ preferred_name }}!\n\nDu har {{ points }} poäng.");

  // Her letter, in her language on the owner's English page.
  await page.getByRole("link", { name: "Print the letters" }).click();
  await expect(page).toHaveURL(/\/print\/letters\/\d+$/);
  await expect(page.locator(".print-controls .lede")).toContainText(`Post ${run}`);
  await expect(page.locator(".print-controls .lede")).toContainText(/: 1\.$/);
  const letter = page.locator("article.letter");
  await expect(letter).toHaveCount(1);
  await expect(letter).toHaveAttribute("lang", "sv");
  await expect(letter.locator("address")).toHaveText("LeaStorgatan 1111 22 StockholmSweden");
  await expect(letter.getByRole("heading", { level: 2 })).toHaveText("Lea, våren är här");
  await expect(letter).toContainText("Du har 0 poäng.");
  await expect(letter.locator(".letter-foot")).toContainText("Du får brev från");
  await expectAccessible(page);

  // Printed: only the letters.
  await page.emulateMedia({ media: "print" });
  await expect(page.locator(".top-bar")).toBeHidden();
  await expect(page.locator(".print-controls").first()).toBeHidden();
  await expect(letter).toBeVisible();
  await expect(letter.locator(".letter-foot")).toBeVisible();
  await page.emulateMedia({ media: "screen" });

  // Its poster cannot show each member's name: the page says why.
  await page.getByRole("link", { name: "← The campaign" }).click();
  await page.getByRole("link", { name: "Print a poster or table card" }).click();
  await expect(page).toHaveURL(/\/print\/campaign\/\d+$/);
  await expect(page.getByRole("alert")).toContainText("names each member's own values");
});
