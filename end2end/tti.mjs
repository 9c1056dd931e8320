// Time to interactive as a member on a phone feels it: a signed-in member's home, first load
// (cache off), in Chromium with Lighthouse's mobile "slow 4G" (1.6 Mbit/s down, 750 kbit/s up,
// 150 ms round trip) and a 4× slower CPU (CDP), against the same load unthrottled as the
// baseline. "Interactive" is the moment the page has hydrated (`main[data-hydrated]`, set by
// the app once its WASM has taken over the server-rendered page) — or, for a page served
// without the WASM (a member's own pages: plain HTML whose forms need no script), the end of
// its load event or its first contentful paint, whichever is later (a page cannot be used
// before it is seen). First contentful paint is printed beside it.
//   node tti.mjs BASE [RUNS] [EMAIL:PATH ...]   (default 3 runs of a member's `/` and the staff counter)
// Prints `bench tti page=/ network=slow4g cpu=4x runs=… fcp_ms=… ms=… vs_unthrottled=…`.
import { chromium } from "@playwright/test";

const [base, runsArg, ...specs] = process.argv.slice(2);
if (!base) {
  console.error("usage: node tti.mjs BASE [RUNS] [EMAIL:PATH ...]");
  process.exit(2);
}
const runs = Number(runsArg ?? 3);
const pages = (specs.length ? specs : ["anna@example.com:/", "staff@example.com:/console/counter"]).map((s) => {
  const at = s.indexOf(":");
  return { email: s.slice(0, at), path: s.slice(at + 1) };
});

const SLOW_4G = {
  offline: false,
  latency: 150,
  downloadThroughput: (1.6 * 1000 * 1000) / 8,
  uploadThroughput: (750 * 1000) / 8,
};

// Runs before the page's own scripts: notes when `main` gets `data-hydrated`.
const WATCH = () => {
  const seen = () => {
    if (window.__hydratedAt === undefined && document.querySelector("main[data-hydrated]")) {
      window.__hydratedAt = performance.now();
    }
  };
  new MutationObserver(seen).observe(document, { attributes: true, subtree: true, childList: true });
};

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run"],
});

async function once(email, path, throttled) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
  const signedIn = await context.request.post(`${base}/api/accounts/sign_in`, {
    form: { email, password: "regulars-demo" },
  });
  if (!signedIn.ok()) throw new Error(`sign in as ${email}: ${signedIn.status()}`);
  const page = await context.newPage();
  await page.addInitScript(WATCH);
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  if (throttled) {
    await cdp.send("Network.emulateNetworkConditions", SLOW_4G);
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
  }
  await page.goto(`${base}${path}`, { timeout: 120_000, waitUntil: "load" });
  const wasm = (await page.locator('link[rel="modulepreload"]').count()) > 0;
  if (wasm) await page.locator("main[data-hydrated]").waitFor({ timeout: 120_000 });
  // First contentful paint may be reported a moment after the load event.
  await page.waitForFunction(() => performance.getEntriesByName("first-contentful-paint").length > 0, null, { timeout: 10_000 }).catch(() => {});
  const [tti, fcp] = await page.evaluate((wasm) => {
    const fcp = performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? NaN;
    const loaded = performance.getEntriesByType("navigation")[0].loadEventEnd;
    return [wasm ? window.__hydratedAt : Math.max(loaded, fcp), fcp];
  }, wasm);
  await context.close();
  return { tti, fcp };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

for (const { email, path } of pages) {
  const plain = [];
  const slow = [];
  for (let i = 0; i < runs; i++) {
    plain.push(await once(email, path, false));
    slow.push(await once(email, path, true));
  }
  const base_ms = median(plain.map((r) => r.tti));
  const ms = median(slow.map((r) => r.tti));
  const fcp = median(slow.map((r) => r.fcp));
  console.log(`\ntime to interactive, ${path} signed in as ${email}, median of ${runs}`);
  console.log(`${"conditions".padEnd(28)} ${"fcp ms".padStart(8)} ${"tti ms".padStart(8)}`);
  console.log(`${"unthrottled".padEnd(28)} ${median(plain.map((r) => r.fcp)).toFixed(0).padStart(8)} ${base_ms.toFixed(0).padStart(8)}`);
  console.log(`${"slow 4G, 4x CPU".padEnd(28)} ${fcp.toFixed(0).padStart(8)} ${ms.toFixed(0).padStart(8)}`);
  console.log(`bench tti page=${path} network=none cpu=1x runs=${runs} ms=${base_ms.toFixed(0)}`);
  console.log(
    `bench tti page=${path} network=slow4g cpu=4x runs=${runs} fcp_ms=${fcp.toFixed(0)} ms=${ms.toFixed(0)} vs_unthrottled=${(ms / base_ms).toFixed(2)} goal_ms=3000`,
  );
}
await browser.close();
