import { expect, type Page } from "@playwright/test";
import { expectAccessible, goto, signIn, test } from "./helpers";
import { mails } from "./mail";

/** A contest's card on the console page, by its title. */
function card(page: Page, title: string) {
  return page.locator("section.card", { has: page.getByRole("heading", { level: 2, name: title }) });
}

test("Anna enters the winter draw on its page; the manager draws the autumn one, its winner gets the mail, and the draw checks out", async ({ page, browser }) => {
  // Anna reads Swedish: the page, its card tags and the button are hers.
  await signIn(page, "anna@example.com");
  await expect(page).not.toHaveURL(/\/sign-in/);
  await goto(page, "/contests/winter-draw");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Vinterdragning");
  await expect(page.locator('meta[property="og:title"]')).toHaveAttribute("content", "Vinterdragning");
  await expect(page.locator('meta[property="og:locale"]')).toHaveAttribute("content", "sv_SE");
  await page.getByRole("button", { name: "Delta i tävlingen" }).click();
  await expect(page.getByText("Du är med i dragningen.")).toBeVisible();
  await expect(page.getByRole("list", { name: "Dela" }).getByRole("link", { name: "WhatsApp" })).toHaveAttribute("href", /contests%2Fwinter-draw/);
  await expectAccessible(page);

  // Mateus, the manager, reads Portuguese.
  const manager = await (await browser.newContext()).newPage();
  await signIn(manager, "manager@example.com");
  await expect(manager).toHaveURL(/\/console$/);
  await manager.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Concursos" }).click();
  await expect(manager.getByRole("heading", { level: 1 })).toHaveText("Concursos");
  const winter = card(manager, "Sorteio de inverno");
  await expect(winter.locator(".badge")).toHaveText("Aberto");
  // Anna is in (her purchase yesterday was before it began: her entry on the page counts).
  expect(Number((await winter.locator("dd").nth(2).textContent())?.trim())).toBeGreaterThan(0);

  // The autumn draw ended yesterday: the demo members who bought yesterday are in it.
  const autumn = card(manager, "Sorteio de outono");
  await expect(autumn.locator(".badge")).toHaveText("Encerrado, não sorteado");
  const entrants = Number((await autumn.locator("dd").nth(2).textContent())?.trim());
  expect(entrants).toBeGreaterThan(0);
  await autumn.getByRole("button", { name: "Sortear os ganhadores" }).click();
  const drawn = card(manager, "Sorteio de outono");
  await expect(drawn.locator(".badge")).toHaveText("Sorteado");
  await expect(drawn.locator("ol.winners li")).toHaveCount(1);
  const winner = (await drawn.locator("ol.winners li a").textContent())?.trim() ?? "";
  await drawn.getByRole("button", { name: "Conferir o sorteio" }).click();
  await expect(drawn.getByText("Conferido: a lista, as pontuações e os ganhadores registrados dão o mesmo resultado.")).toBeVisible();
  await expectAccessible(manager);

  // The winner's mail, in their language.
  const subjects: Record<string, [string, string]> = {
    Anna: ["anna@example.com", "Du vann: Höstdragning"],
    Ola: ["ola@example.com", "Du vant: Høsttrekning"],
    "João": ["joao@example.com", "Você ganhou: Sorteio de outono"],
  };
  const [to, subject] = subjects[winner] ?? ["?", `a winner named ${winner}`];
  await expect.poll(() => mails().filter((m) => m.to.includes(to) && m.subject === subject).length, { timeout: 20_000 }).toBe(1);

  // Anyone can see the published draw on the public page.
  const visitor = await (await browser.newContext()).newPage();
  await goto(visitor, "/contests/autumn-draw");
  await expect(visitor.getByRole("heading", { level: 1 })).toHaveText("Autumn draw");
  await expect(visitor.getByText(`among ${entrants} entrants`)).toBeVisible();
  await expect(visitor.locator("dl.audit code.hash")).toHaveCount(3);

  // A new contest: without a way to enter it is that field's error; then it is made.
  const add = manager.locator("section[aria-labelledby=add-contest]");
  await add.getByLabel("Título").first().fill("Sorteio de verão");
  await add.getByLabel("Primeiro dia").fill("2027-06-01");
  await add.getByLabel("Último dia").fill("2027-06-30");
  await add.getByLabel("Inscrever-se na página do concurso").uncheck();
  await add.getByLabel("Prêmio em pontos").fill("200");
  await add.getByRole("button", { name: "Criar o concurso" }).click();
  await expect(add.getByText("Escolha pelo menos uma forma de participar.")).toBeVisible();
  await add.getByLabel("Uma compra no período").check();
  await add.getByRole("button", { name: "Criar o concurso" }).click();
  await expect(add.getByText("Concurso criado.")).toBeVisible();
  await expect(card(manager, "Sorteio de verão").locator(".badge")).toHaveText("Em breve");
});
