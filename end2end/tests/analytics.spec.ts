import { readFileSync } from "node:fs";
import { type Browser, expect, type Page } from "@playwright/test";
import { expectAccessible, goto, hydrated, joinByRequest, signIn, test } from "./helpers";

// Retention by join month on the demo shop: its members joined this month (the demo is loaded
// when the server starts), so the last cohort is this month's. A member who joins now and buys
// at the counter adds one to the cohort and one to "bought in month 0", in both tables and in
// the download (a new member, so the demo members other tests rely on are left as they are).

const num = (s: string) => Number(s.replace(/,/g, ""));

/** The glance page's members buying in the last 30 days, and this month's buyers and purchases
 * (at one location when `place` names it, chosen in the page's form). */
async function glance(page: Page, place?: string) {
  await goto(page, "/console/analytics");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Retention at a glance");
  if (place) {
    await page.getByLabel("Location", { exact: true }).selectOption({ label: place });
    await page.getByRole("button", { name: "Show" }).click();
    await expect(page).toHaveURL(/location=\d+/);
    await expect(page.getByText(`At ${place} only: members who bought there and what they bought there.`)).toBeVisible();
  }
  const stat = page.locator(".stats > div", { has: page.getByText("Bought in the last 30 days", { exact: true }) });
  const cells = await page.getByRole("region", { name: "Month by month" }).locator("tbody tr").first().locator("td").allInnerTexts();
  return { active30: num(await stat.locator("dd").first().innerText()), buying: num(cells[0]), purchases: num(cells[3]) };
}

/** Joined and month-0 buyers of the last (current) cohort, as the counts table shows them. */
async function currentCohort(page: Page) {
  const counts = page.locator("section", { has: page.getByRole("heading", { name: "Members buying", exact: true }) });
  const row = counts.locator("tbody tr").last();
  const cells = await row.locator("td").allInnerTexts();
  return { month: await row.locator("th").innerText(), joined: Number(cells[0].replace(/,/g, "")), buying: Number(cells[1].replace(/,/g, "")) };
}

/** This month's cohort at one location (chosen in the page's form): its members who have
 * bought there and those who bought there this month (zeros when it has no row). */
async function cohortAt(page: Page, place: string, month: string) {
  await goto(page, "/console/analytics/cohorts");
  await page.getByLabel("Location", { exact: true }).selectOption({ label: place });
  await page.getByRole("button", { name: "Show" }).click();
  await expect(page).toHaveURL(/location=\d+/);
  await expect(page.getByText(`At ${place} only: each month's new members who have bought there`)).toBeVisible();
  const counts = page.locator("section", { has: page.getByRole("heading", { name: "Members buying", exact: true }) });
  const row = counts.locator("tbody tr", { has: page.locator("th", { hasText: month }) });
  if ((await row.count()) === 0) return { joined: 0, buying: 0 };
  const cells = await row.locator("td").allInnerTexts();
  return { joined: num(cells[0]), buying: num(cells[1]) };
}

/** A new member joins (by request) and buys for `amount` euros (€12.50) at the counter at Main Street. */
async function joinAndBuy(page: Page, browser: Browser, email: string, name: string, amount = "12.50") {
  const visitor = await browser.newContext();
  await joinByRequest(visitor.request, { email, password: "a long password", preferred_name: name, language: "en" });
  await visitor.close();
  await goto(page, "/console/counter");
  await page.getByLabel("Location", { exact: true }).selectOption({ label: "Main Street" });
  await Promise.all([page.waitForResponse(/set_counter_place/), page.getByRole("button", { name: "Set location" }).click()]);
  await page.getByLabel("Member number, phone, email or name", { exact: true }).fill(email);
  await page.getByRole("button", { name: "Find" }).click();
  const purchase = page.locator(".member-panel").getByRole("form", { name: "Record a purchase" });
  await purchase.getByLabel("Amount", { exact: true }).fill(amount);
  await purchase.getByRole("button", { name: "Record purchase" }).click();
  await expect(page.locator(".outcome")).toContainText(`Purchase recorded: €${Number(amount).toFixed(2)}`);
}

test("at a glance, per location and by join month: a new member's purchase counts, as numbers, shares and CSV", async ({ page, browser }) => {
  await signIn(page, "owner@example.com");
  await expect(page).toHaveURL(/\/console$/);
  const glanceBefore = await glance(page);
  await expectAccessible(page);
  const mainBefore = await glance(page, "Main Street");
  const harbourBefore = await glance(page, "Harbour");
  await page.getByRole("navigation", { name: "Analytics pages" }).getByRole("link", { name: "By join month" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Retention by join month");
  const before = await currentCohort(page);
  const thisMonth = new Intl.DateTimeFormat("en-US", { month: "short", year: "numeric", timeZone: "Europe/Stockholm" }).format(new Date());
  expect(before.month).toBe(thisMonth);
  // The demo's five members at least (sign-ups in other tests join this month too).
  expect(before.joined).toBeGreaterThanOrEqual(5);

  const mainCohort = await cohortAt(page, "Main Street", thisMonth);
  const harbourCohort = await cohortAt(page, "Harbour", thisMonth);

  // Someone joins, and buys at the counter.
  await joinAndBuy(page, browser, `cohort-${Date.now()}@example.com`, "Cora");

  // At a glance: one more member bought in the last 30 days and this month, one purchase more.
  const glanceAfter = await glance(page);
  expect(glanceAfter).toEqual({ active30: glanceBefore.active30 + 1, buying: glanceBefore.buying + 1, purchases: glanceBefore.purchases + 1 });
  // Per location: the purchase was at Main Street, the Harbour's figures stay.
  expect(await glance(page, "Main Street")).toEqual({ active30: mainBefore.active30 + 1, buying: mainBefore.buying + 1, purchases: mainBefore.purchases + 1 });
  expect(await glance(page, "Harbour")).toEqual(harbourBefore);

  // By join month at a location: she bought at Main Street, not at the Harbour.
  expect(await cohortAt(page, "Main Street", thisMonth)).toEqual({ joined: mainCohort.joined + 1, buying: mainCohort.buying + 1 });
  expect(await cohortAt(page, "Harbour", thisMonth)).toEqual(harbourCohort);

  await goto(page, "/console/analytics/cohorts");
  const after = await currentCohort(page);
  expect(after).toEqual({ ...before, joined: before.joined + 1, buying: before.buying + 1 });
  // The heat map shows the same as a share of the cohort.
  const shares = page.locator("section", { has: page.getByRole("heading", { name: "Share of members buying" }) });
  const share = Math.floor((after.buying * 200 + after.joined) / (2 * after.joined));
  await expect(shares.locator("tbody tr").last().locator("td").nth(1)).toHaveText(`${share}%`);
  await expectAccessible(page);

  // The download holds the same numbers.
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download as CSV" }).click();
  const lines = readFileSync(await (await download).path(), "utf8").trim().split("\n");
  expect(lines[0]).toBe("cohort,joined,month,months_since_joining,members_buying,share_percent");
  const last = lines[lines.length - 1].split(",");
  expect(last.slice(1).map(String)).toEqual([String(after.joined), last[2], "0", String(after.buying), String(share)]);
  expect(last[0]).toBe(last[2]);
});

/** Chooses `place` in the page's location form and shows it. */
async function atPlace(page: Page, place: string) {
  await page.getByLabel("Location", { exact: true }).selectOption({ label: place });
  await page.getByRole("button", { name: "Show" }).click();
  await expect(page).toHaveURL(/location=\d+/);
}

/** The RFM page's buyers and each group's members, as the groups table shows them (at one
 * location when `place` names it). */
async function rfm(page: Page, place?: string) {
  await goto(page, "/console/analytics/rfm");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("RFM and churn risk");
  if (place) {
    await atPlace(page, place);
    await expect(page.getByText(`At ${place} only: each member's last purchase`)).toBeVisible();
    // Segments are made from the whole shop's groups.
    await expect(page.getByRole("button", { name: /^Make a segment/ })).toHaveCount(0);
  }
  const hint = await page.getByText(/^Each of the [\d,]+ members who have bought/).innerText();
  const buyers = num(hint.match(/Each of the ([\d,]+) members/)?.[1] ?? "");
  const groups: Record<string, number> = {};
  for (const row of await page.getByRole("region", { name: "Groups" }).locator("tbody tr").all()) {
    groups[await row.locator("th a").innerText()] = num(await row.locator("td").first().innerText());
  }
  return { buyers, groups };
}

test("RFM: a first purchase today makes a new member, and a group becomes a segment", async ({ page, browser }) => {
  await signIn(page, "owner@example.com");
  await expect(page).toHaveURL(/\/console$/);
  const before = await rfm(page);
  const [mainBefore, harbourBefore] = [await rfm(page, "Main Street"), await rfm(page, "Harbour")];
  await expectAccessible(page);
  // Every buyer is in exactly one group.
  expect(Object.values(before.groups).reduce((a, b) => a + b, 0)).toBe(before.buyers);
  expect(Object.keys(before.groups)).toEqual(["Champions", "Loyal", "New", "At risk", "Can't lose", "Hibernating", "Others"]);
  await expectAccessible(page);

  const name = `Rita ${Date.now()}`;
  const email = `rfm-${Date.now()}@example.com`;
  await joinAndBuy(page, browser, email, name);
  // She bought at Main Street: a buyer there, not at the Harbour.
  expect((await rfm(page, "Main Street")).buyers).toBe(mainBefore.buyers + 1);
  expect(await rfm(page, "Harbour")).toEqual(harbourBefore);
  const after = await rfm(page);
  expect(after.buyers).toBe(before.buyers + 1);
  // One purchase, today: the newest recency, the lowest frequency.
  expect(after.groups.New).toBeGreaterThanOrEqual(1);
  await page.getByRole("navigation", { name: "Group to list" }).getByRole("link", { name: "New", exact: true }).click();
  await expect(page.getByRole("heading", { name: "New: who spent most" })).toBeVisible();
  const mine = page.getByRole("region", { name: "New: who spent most" }).getByRole("row", { name: new RegExp(name) });
  await expect(mine).toContainText("€12.50");
  await expect(mine.locator("td").last()).toHaveText(/^[45] 1 [1-5]$/);

  // The group as a segment, for a campaign.
  const newRow = page.getByRole("region", { name: "Groups" }).getByRole("row", { name: /^New/ });
  await newRow.getByRole("button", { name: "Make a segment" }).click();
  await expect(page.getByText("Segment saved.")).toBeVisible();
  await page.getByRole("link", { name: "Open it in the segment editor" }).click();
  // The editor's buttons act once the page is live (a click before that posts the plain form).
  await expect(page).toHaveURL(/\/console\/segments\?id=\d+/);
  await hydrated(page);
  const editor = page.locator("section[aria-labelledby=segment-edit]");
  await expect(editor.getByLabel("RFM group")).toHaveValue("new");
  await editor.getByRole("button", { name: "Count members" }).click();
  await expect(editor.getByRole("status").first()).toContainText("members match");
  await expect(editor.locator("table")).toContainText(email);
});

/** Points held by members, and this month's points issued, as the points page shows them
 * (issued at one location when `place` names it). */
async function points(page: Page, place?: string) {
  await goto(page, "/console/analytics/points");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Points economy");
  if (place) {
    await atPlace(page, place);
    await expect(page.getByText(`At ${place} only: issued are the points its purchases earned`)).toBeVisible();
  }
  const stat = page.locator(".stats > div", { has: page.getByText("Points held by members", { exact: true }) });
  const month = page.getByRole("region", { name: "Points month by month" }).locator("tbody tr").first();
  return { held: num(await stat.locator("dd").first().innerText()), issued: num(await month.locator("td").first().innerText()) };
}

/** The console home's purchases and points issued today (purchases at one location when
 * `place` names it). */
async function today(page: Page, place?: string) {
  await goto(page, "/console");
  if (place) {
    await atPlace(page, place);
    await expect(page.getByText(`At ${place}: purchases, sales and cases there.`)).toBeVisible();
  }
  const day = page.getByRole("region", { name: /^Today, / });
  const stat = (label: string) => day.locator(".stats > div", { has: page.getByRole("link", { name: label, exact: true }) }).locator("dd");
  return { purchases: num(await stat("Purchases").innerText()), issued: num(await stat("Points issued").innerText()) };
}

test("points economy and the console home: a purchase's points are issued today and held, and the download agrees", async ({ page, browser }) => {
  await signIn(page, "owner@example.com");
  await expect(page).toHaveURL(/\/console$/);
  await expect(page.getByRole("heading", { name: "Needs attention first" })).toBeVisible();
  await expectAccessible(page);
  const home = await today(page);
  const [mainHome, harbourHome] = [await today(page, "Main Street"), await today(page, "Harbour")];
  await expectAccessible(page);
  const before = await points(page);
  // The demo members hold points from yesterday's purchases.
  expect(before.held).toBeGreaterThan(0);
  await expectAccessible(page);
  const [mainPoints, harbourPoints] = [await points(page, "Main Street"), await points(page, "Harbour")];
  await expectAccessible(page);
  await joinAndBuy(page, browser, `points-${Date.now()}@example.com`, "Pia");
  const after = await points(page);
  const earned = after.issued - before.issued;
  // €12.50 earns 12 points, 24 on the demo's double-points Tuesdays.
  expect([12, 24]).toContain(earned);
  expect(after.held).toBe(before.held + earned);
  expect(await today(page)).toEqual({ purchases: home.purchases + 1, issued: home.issued + earned });
  // At a location: the purchase was at Main Street; points belong to the whole shop.
  expect(await today(page, "Main Street")).toEqual({ purchases: mainHome.purchases + 1, issued: mainHome.issued + earned });
  expect(await today(page, "Harbour")).toEqual({ purchases: harbourHome.purchases, issued: harbourHome.issued + earned });
  // The points page at a location: issued where the purchase was; held is the whole shop's.
  expect(await points(page, "Main Street")).toEqual({ held: after.held, issued: mainPoints.issued + earned });
  expect(await points(page, "Harbour")).toEqual({ held: after.held, issued: harbourPoints.issued });
  await goto(page, "/console/analytics/points");
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download as CSV" }).click();
  const lines = readFileSync(await (await download).path(), "utf8").trim().split("\n");
  expect(lines[0]).toBe("month,issued,redeemed,expired,other_taken,net,redemption_rate_percent");
  expect(Number(lines[lines.length - 1].split(",")[1])).toBe(after.issued);
});

/** The program page's section on coming back with and without a perk. */
const perkReturns = (page: Page) =>
  page.locator("section", { has: page.getByRole("heading", { name: "Coming back with and without a perk" }) });

/** Members by tier now, all together, this month's next-visit discounts issued, and purchases
 * too recent to tell whether they came back. */
async function programEffect(page: Page, place?: string) {
  await goto(page, "/console/analytics/program");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Program effect");
  if (place) {
    await atPlace(page, place);
    await expect(page.getByText(`At ${place} only: the tiers of the members who have bought there`)).toBeVisible();
  }
  const tiers = await page.getByRole("region", { name: "Members by tier now" }).locator("tbody tr td:nth-child(2)").allInnerTexts();
  const month = await page.getByRole("region", { name: "Next-visit discounts" }).locator("tbody tr").first().locator("td").allInnerTexts();
  const recent = await perkReturns(page).getByText(/^Left out until/).innerText();
  return { members: tiers.map(num).reduce((a, b) => a + b, 0), issued: num(month[0]), recent: num(recent.split(": ").pop() ?? "") };
}

test("program effect and service quality: a €25 purchase gives a next-visit discount this month and waits 30 days to count as coming back; the demo's feedback is grouped", async ({ page, browser }) => {
  await signIn(page, "owner@example.com");
  await expect(page).toHaveURL(/\/console$/);
  const before = await programEffect(page);
  await expectAccessible(page);
  const [mainBefore, harbourBefore] = [await programEffect(page, "Main Street"), await programEffect(page, "Harbour")];
  await expectAccessible(page);
  // The demo's discount: 15 % off the next visit for a purchase of €20 or more.
  await joinAndBuy(page, browser, `effect-${Date.now()}@example.com`, "Dag", "25");
  const after = await programEffect(page);
  expect(after).toEqual({ members: before.members + 1, issued: before.issued + 1, recent: before.recent + 1 });
  // At a location: the new member bought at Main Street, not at the Harbour.
  expect(await programEffect(page, "Main Street")).toEqual({ members: mainBefore.members + 1, issued: mainBefore.issued + 1, recent: mainBefore.recent + 1 });
  expect(await programEffect(page, "Harbour")).toEqual(harbourBefore);
  await goto(page, "/console/analytics/program");
  // Coming back with and without a perk: a row per perk, and the same as CSV.
  const perks = perkReturns(page);
  await expect(perks.getByRole("region").locator("tbody tr th")).toHaveText(["Next-visit discount", "Punch card started", "Member offer", "Any of them"]);
  const perksCsv = page.waitForEvent("download");
  await perks.getByRole("link", { name: "Download as CSV" }).click();
  const perkLines = readFileSync(await (await perksCsv).path(), "utf8").trim().split("\n");
  expect(perkLines[0]).toBe(
    "perk,purchases_with,returned_with,return_rate_with_percent,purchases_without,returned_without,return_rate_without_percent",
  );
  expect(perkLines.slice(1).map((l) => l.split(",")[0])).toEqual(["next_visit_discount", "punch_card", "member_offer", "any"]);

  await page.getByRole("navigation", { name: "Analytics pages" }).getByRole("link", { name: "Service quality" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Service quality and coming back");
  await expectAccessible(page);
  // The demo's answers from 40 and 33 days ago are promoters' (10 and 9), past their 30 days.
  const row = page.getByRole("region", { name: "Coming back by recommendation score" }).getByRole("row", { name: /^Promoters/ });
  const cells = await row.locator("td").allInnerTexts();
  expect(num(cells[0])).toBeGreaterThanOrEqual(2);
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download as CSV" }).click();
  const lines = readFileSync(await (await download).path(), "utf8").trim().split("\n");
  expect(lines[0]).toBe(
    "group,answers,came_back,return_rate_percent,resolved_case_answers,resolved_case_came_back,unresolved_case_answers,unresolved_case_came_back",
  );
  expect(lines[1].split(",").slice(0, 2)).toEqual(["promoters", String(num(cells[0]))]);
  // Per location: the demo's answers were each given at one of the two, so they add up.
  const promotersAt = async (place: string) => {
    await atPlace(page, place);
    await expect(page.getByText(`At ${place} only: the answers given there.`)).toBeVisible();
    const at = page.getByRole("region", { name: "Coming back by recommendation score" }).getByRole("row", { name: /^Promoters/ });
    return num((await at.locator("td").allInnerTexts())[0]);
  };
  const main = await promotersAt("Main Street");
  await expectAccessible(page);
  expect(main + (await promotersAt("Harbour"))).toBe(num(cells[0]));
});

test("the shop's churn window and point value, set in Settings, are the analytics pages' defaults", async ({ page }) => {
  await signIn(page, "owner@example.com");
  await expect(page).toHaveURL(/\/console$/);
  const save = async (days: string, value: string) => {
    await goto(page, "/console/settings");
    const card = page.locator("section.card", { has: page.getByRole("heading", { name: "Analytics" }) });
    await card.getByLabel("Stopped after (days without a purchase)").fill(days);
    await card.getByLabel("Value of 100 points (EUR)").fill(value);
    await card.getByRole("button", { name: "Save" }).click();
    await expect(card.getByText("Saved.")).toBeVisible();
  };
  await save("60", "0.50");
  await goto(page, "/console/analytics");
  await expect(page.getByText("No purchase for 60 days", { exact: true })).toBeVisible();
  await expect(page.getByLabel("Stopped after (days without a purchase)")).toHaveValue("60");
  await goto(page, "/console/analytics/points");
  await expect(page.getByText(/at €0\.50 per 100 points/)).toBeVisible();
  // A view may still name another window, for itself only.
  await goto(page, "/console/analytics?churn_days=30");
  await expect(page.getByText("No purchase for 30 days", { exact: true })).toBeVisible();
  await save("", "");
  await goto(page, "/console/analytics");
  await expect(page.getByText("No purchase for 90 days", { exact: true })).toBeVisible();
});
