import { defineConfig, devices } from "@playwright/test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// Each run gets a fresh database with the demo shop in it (workers read the runner's folder,
// where the SMTP server writes the mail they check).
const dataDir = (process.env.E2E_DATA ??= mkdtempSync(join(tmpdir(), "regulars-e2e-")));
const port = Number(process.env.E2E_PORT ?? 3100);
const smtpPort = Number(process.env.E2E_SMTP_PORT ?? 3125);
process.env.E2E_MAILDIR = join(dataDir, "mail");
const baseURL = `http://127.0.0.1:${port}`;

export default defineConfig({
  testDir: "./tests",
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: [["list"]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"] } }],
  webServer: [{
    // A real SMTP server on loopback (Debian's aiosmtpd) keeping every message in a Maildir.
    command: `/usr/bin/python3 -m aiosmtpd -n -l 127.0.0.1:${smtpPort} -c aiosmtpd.handlers.Mailbox ${join(dataDir, "mail")}`,
    port: smtpPort,
    reuseExistingServer: false,
    timeout: 30_000,
    stdout: "ignore",
    stderr: "pipe",
  }, {
    // E2E_SERVER / E2E_SITE: a copy of the build, for runs beside another build in progress.
    command: `${process.env.E2E_SERVER ?? "../target/release/server"} serve --demo`,
    url: `${baseURL}/health`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "ignore",
    stderr: "pipe",
    env: {
      REGULARS_ADDR: `127.0.0.1:${port}`,
      REGULARS_DATABASE_URL: `sqlite://${dataDir}/e2e.db`,
      LEPTOS_SITE_ROOT: process.env.E2E_SITE ?? "../target/site",
      REGULARS_LOG: "warn",
      REGULARS_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      REGULARS_MAIL_FROM: "Regulars demo <news@shop.example>",
    },
  }],
});
