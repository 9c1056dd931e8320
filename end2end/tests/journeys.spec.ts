import { expect } from "@playwright/test";
import { expectAccessible, goto, signIn, test } from "./helpers";
import { mails, type Mail } from "./mail";

async function arrived(match: (m: Mail) => boolean): Promise<Mail> {
  let found: Mail[] = [];
  await expect
    .poll(() => {
      found = mails().filter(match);
      return found.length;
    }, { timeout: 20_000 })
    .toBe(1);
  return found[0];
}

/** The figure in the results table's row named `name`. */
async function figure(page: import("@playwright/test").Page, name: string) {
  const cell = page.getByRole("region", { name: "O que ela trouxe" }).getByRole("row", { name: new RegExp(`^${name} `) }).locator("td");
  return (await cell.first().textContent())?.trim();
}

test("a manager switches on win-back; Ola, who last bought yesterday, gets it in Norwegian, buys at the counter, and the journey counts the purchase", async ({ page, browser }) => {
  const run = Date.now() % 100000;
  // Mateus, the manager, reads Portuguese.
  await signIn(page, "manager@example.com");
  await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Jornadas" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Jornadas");
  // Quiet hours need both ends: one alone is that field's error, and nothing is saved.
  const rules = page.locator("section[aria-labelledby=rules-title]");
  const email = rules.getByRole("group", { name: "E-mail" });
  await email.getByLabel("Silêncio a partir de (hora)").fill("21");
  await rules.getByRole("button", { name: "Salvar regras" }).click();
  await expect(email.getByText("Informe uma hora inteira de 0 a 23")).toBeVisible();
  await email.getByLabel("Silêncio a partir de (hora)").fill("");
  await rules.getByRole("button", { name: "Salvar regras" }).click();
  await expect(rules.getByText("Salvo.")).toBeVisible();
  await page.getByRole("link", { name: "Reconquista" }).click();
  await expect(page).toHaveURL(/\/console\/journeys\/win_back$/);
  await expect(page.locator(".lede .badge")).toHaveText("Desligada");
  await expectAccessible(page);

  // Its message, in English (the shop's language) and Norwegian.
  const write = async (language: string, subject: string, body: string) => {
    const block = page.locator("details.language-message", { has: page.locator(`summary:has-text("${language}")`) });
    await block.locator("summary").click();
    await block.getByLabel("Assunto").fill(subject);
    await block.getByLabel("Mensagem", { exact: true }).fill(body);
    await block.getByRole("button", { name: "Salvar" }).click();
    await expect(page.locator("details.language-message", { has: page.locator(`summary:has-text("${language}")`) }).locator(".missing-badge")).toHaveCount(0);
  };
  await write("English", `We miss you, {{ preferred_name }} ${run}`, "Come back this week.");
  await write("Norsk bokmål", `Vi savner deg, {{ preferred_name }} ${run}`, "Kom tilbake denne uken.");

  // A bad number is the field's error; then on, a day after the last purchase, no control group.
  const settings = page.locator("section[aria-labelledby=journey-settings]");
  await settings.getByLabel("Ligada: membros entram e recebem a mensagem").check();
  await settings.getByLabel("Dias após a última compra").fill("0");
  await settings.getByRole("button", { name: "Salvar" }).click();
  await expect(settings.getByText("Informe um número de dias dentro do intervalo indicado abaixo do campo.")).toBeVisible();
  await settings.getByLabel("Dias após a última compra").fill("1");
  await settings.getByLabel("Grupo de controle (%)").fill("0");
  await settings.getByRole("button", { name: "Salvar" }).click();
  await expect(page.locator(".lede .badge")).toHaveText("Ligada");

  const ola = await arrived((m) => m.to === "ola@example.com" && m.subject === `Vi savner deg, Ola ${run}`);
  expect(ola.text).toContain("Kom tilbake denne uken.");
  expect(ola.list_unsubscribe).toBeTruthy();
  await goto(page, "/console/journeys/win_back");
  await expect.poll(() => figure(page, "Compraram após a mensagem")).toBe("0");

  // Ola buys at the counter.
  const owner = await (await browser.newContext()).newPage();
  await signIn(owner, "owner@example.com");
  await expect(owner).toHaveURL(/\/console$/);
  await goto(owner, "/console/counter?q=ola%40example.com");
  const panel = owner.locator(".member-panel");
  await expect(panel.getByRole("heading", { level: 2 })).toHaveText("Ola");
  const purchase = panel.getByRole("form", { name: "Record a purchase" });
  await purchase.getByLabel("Amount", { exact: true }).fill("12,50");
  await purchase.getByRole("button", { name: "Record purchase" }).click();
  await expect(owner.locator(".outcome")).toContainText("Purchase recorded: €12.50");

  await goto(page, "/console/journeys/win_back");
  await expect.poll(async () => {
    await page.reload();
    return figure(page, "Compraram após a mensagem");
  }).toBe("1");
  expect(await figure(page, "Compras")).toBe("1");
  await expectAccessible(page);

  // Off again, so later tests' members are left alone.
  await settings.getByLabel("Ligada: membros entram e recebem a mensagem").uncheck();
  await settings.getByRole("button", { name: "Salvar" }).click();
  await expect(page.locator(".lede .badge")).toHaveText("Desligada");
});

test("a manager adds a tag step to win-back, opens it, makes it send a message, and removes it", async ({ page }) => {
  const run = Date.now() % 100000;
  await signIn(page, "manager@example.com");
  await expect(page).toHaveURL(/\/console$/);
  await goto(page, "/console/journeys/win_back");
  // The demo's two steps: a second message a week later to those who clicked nothing, then a tag.
  const steps = page.locator("section[aria-labelledby=steps]");
  const table = steps.getByRole("region", { name: "O que cada etapa fez" });
  await expect(table.getByRole("row")).toHaveCount(4);
  await expect(table.getByRole("row", { name: /^Etapa 2 / })).toContainText("Depois de 7 dias, Só membros que não clicaram em nenhum link das mensagens: Enviar a mensagem desta etapa");
  await expect(table.getByRole("row", { name: /^Etapa 3 / })).toContainText("Adicionar a etiqueta “lapsed”");

  // A tag step needs its tag; with one, it is the fourth.
  await steps.getByLabel("Dias depois da etapa anterior").fill("5");
  await steps.getByLabel("Quem segue").selectOption("no_purchase");
  await steps.getByLabel("Então").selectOption("tag");
  await steps.getByRole("button", { name: "Adicionar uma etapa" }).click();
  await expect(steps.getByText("Uma etiqueta tem de 1 a 40 caracteres.")).toBeVisible();
  await steps.getByLabel("Etiqueta", { exact: true }).fill(`Voltou ${run}`);
  await steps.getByRole("button", { name: "Adicionar uma etapa" }).click();
  const fourth = table.getByRole("row", { name: /^Etapa 4 / });
  await expect(fourth).toContainText(`Depois de 5 dias, Só membros que não compraram desde a entrada: Adicionar a etiqueta “voltou ${run}”`);

  // Its page: it becomes a message step, which waits until its messages are written.
  await fourth.getByRole("link", { name: "Etapa 4" }).click();
  await expect(page).toHaveURL(/\/console\/journeys\/win_back\/steps\/3$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Reconquista — Etapa 4");
  const form = page.locator("section[aria-labelledby=step-settings]");
  await expect(form.getByLabel("Etiqueta", { exact: true })).toHaveValue(`voltou ${run}`);
  await form.getByLabel("Então").selectOption("send");
  await form.getByRole("button", { name: "Salvar" }).click();
  await expect(page.getByText("As mensagens desta etapa não estão prontas")).toBeVisible();
  await expect(page.locator("details.language-message")).toHaveCount(5);
  await expectAccessible(page);

  await page.getByRole("link", { name: "← A jornada" }).click();
  await expect(table.getByRole("row", { name: /^Etapa 4 / })).toContainText("Mensagens não escritas");
  // Nobody reached it: it can go.
  await steps.getByRole("button", { name: "Remover a última etapa" }).click();
  await expect(table.getByRole("row")).toHaveCount(4);
});
