import { expect, type Page } from "@playwright/test";
import { accessibilityProblems, goto, signIn, test } from "./helpers";

// Every page, on a phone and on a desktop, as the account that sees it, through axe.
const viewports = {
  phone: { width: 390, height: 844 },
  desktop: { width: 1280, height: 800 },
};

/** The newest case's page, found through the inbox. */
async function casePath(page: Page) {
  await goto(page, "/console/feedback?status=");
  const href = await page.getByRole("link", { name: /^#\d+$/ }).first().getAttribute("href");
  expect(href).toMatch(/^\/console\/feedback\/\d+$/);
  return href as string;
}

/** Anna's profile, found through the member list. */
async function memberPath(page: Page) {
  await goto(page, "/console/members?q=anna%40example.com");
  const href = await page.getByRole("link", { name: "Anna", exact: true }).getAttribute("href");
  expect(href).toMatch(/^\/console\/members\/\d+$/);
  return href as string;
}

const accounts: { who: string | null; paths: (page: Page) => Promise<string[]> }[] = [
  {
    who: null,
    paths: async () => ["/", "/join", "/join/sent", "/sign-in", "/sign-in/code", "/feedback/after-a-visit", "/print/join", "/print/feedback/after-a-visit?size=a6&lang=lv", "/contests/winter-draw", "/print/contest/winter-draw?lang=nb", "/offers/1", "/print/offer/1?size=a6", "/no-such-page"],
  },
  {
    who: "anna@example.com",
    paths: async () => ["/", "/me/history", "/me/rewards", "/me/feedback", "/me/data", "/account/password", "/contests/autumn-draw"],
  },
  {
    who: "staff@example.com",
    paths: async (page) => [
      "/console",
      "/console/counter",
      "/console/members",
      "/console/members?q=ann",
      await memberPath(page),
      "/console/feedback",
      await casePath(page),
    ],
  },
  {
    who: "owner@example.com",
    paths: async (page) => [
      "/console",
      "/console/programs",
      "/console/programs/texts",
      "/console/offers",
      "/console/feedback",
      "/console/feedback/setup",
      "/console/feedback/quality",
      await casePath(page),
      "/console/campaigns",
      "/console/segments",
      "/console/journeys",
      "/console/journeys/win_back",
      "/console/journeys/win_back/steps/1",
      "/console/contests",
      "/console/analytics",
      "/console/analytics/cohorts",
      "/console/analytics/rfm",
      "/console/analytics/points",
      "/console/analytics/program",
      "/console/analytics/service",
      "/console/staff",
      "/console/integrations",
      "/console/integrations/partners",
      "/console/integrations/import",
      "/console/audit",
      "/console/settings",
      "/account/two-factor",
    ],
  },
];

for (const [device, viewport] of Object.entries(viewports)) {
  test.describe(`on a ${device}`, () => {
    test.use({ viewport });
    for (const { who, paths } of accounts) {
      test(`every page ${who ? `${who} opens` : "a visitor opens"} passes axe`, async ({ page }) => {
        // The owner's list is long (some forty pages, each checked whole).
        test.setTimeout(120_000);
        if (who) {
          await signIn(page, who);
          await expect(page).not.toHaveURL(/\/sign-in/);
        }
        // All pages' problems at once, each under its path.
        const problems: string[] = [];
        for (const path of await paths(page)) {
          await goto(page, path);
          problems.push(...(await accessibilityProblems(page)).map((p) => `${path}: ${p}`));
        }
        expect(problems).toEqual([]);
      });
    }
  });
}
