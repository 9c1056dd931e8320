import { expect } from "@playwright/test";
import { expectAccessible, goto, signIn, test } from "./helpers";

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
