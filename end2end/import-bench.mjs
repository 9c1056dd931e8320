// CSV import at scale: 100,000 members (email, name, consent and its source), then 100,000
// past purchases of theirs, each uploaded, checked (the dry run: the baseline) and imported
// (members skipping bad rows, in transactions of 2,000; purchases all or nothing, in one), as
// an owner does it over HTTP against the demo shop.
//   node import-bench.mjs BASE [ROWS]
// Prints a table and `bench import kind=… rows=… check_s=… run_s=… rows_per_s=… vs_check=…`.
import { request } from "@playwright/test";

const [base, rowsArg] = process.argv.slice(2);
if (!base) {
  console.error("usage: node import-bench.mjs BASE [ROWS]");
  process.exit(2);
}
const rows = Number(rowsArg ?? 100000);
const api = await request.newContext({ baseURL: base, extraHTTPHeaders: { origin: base } });
const signedIn = await api.post("/api/accounts/sign_in", { form: { email: "owner@example.com", password: "regulars-demo" } });
if (!signedIn.ok()) throw new Error(`sign in: ${signedIn.status()}`);

const KEYS = { EmailConsent: "email_consent", SmsConsent: "sms_consent", ConsentSource: "consent_source" };

async function upload(kind, csv) {
  const res = await api.post("/console/integrations/import", {
    multipart: { kind, file: { name: `${kind}.csv`, mimeType: "text/csv", buffer: Buffer.from(csv) } },
    maxRedirects: 0,
  });
  const to = res.headers()["location"] ?? "";
  const id = Number(to.split("/").pop());
  if (res.status() !== 303 || !id) throw new Error(`upload ${kind}: ${res.status()} ${to}`);
  const view = await (await api.post("/api/import/get", { form: { id: String(id) } })).json();
  const form = { id: String(id) };
  for (const [field, column] of view.guessed) {
    form[`setup[columns][${KEYS[field] ?? field.toLowerCase()}]`] = column === null ? "" : String(column);
  }
  return form;
}

async function timed(kind, form, mode) {
  form["setup[mode]"] = mode;
  let t = performance.now();
  const checked = await api.post("/api/import/submit", { form, timeout: 600000 });
  if (!checked.ok()) throw new Error(`check ${kind}: ${await checked.text()}`);
  const check = (performance.now() - t) / 1000;
  const outcome = (await checked.json()).Checked;
  t = performance.now();
  const started = await api.post("/api/import/submit", { form: { ...form, run: "1" }, timeout: 600000 });
  if (!started.ok()) throw new Error(`run ${kind}: ${await started.text()}`);
  let state;
  for (;;) {
    const polled = await api.post("/api/import/state", { form: { id: form.id } });
    if (!polled.ok()) throw new Error(`state ${kind}: ${polled.status()} ${await polled.text()}`);
    state = await polled.json();
    if (state.status !== "running") break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const run = (performance.now() - t) / 1000;
  if (state.status !== "done" || state.outcome.new !== rows) throw new Error(`${kind}: ${JSON.stringify(state)}`);
  return { kind, mode, check, run, planned: outcome.new };
}

const stamp = Date.now();
const emails = Array.from({ length: rows }, (_, i) => `bench-${stamp}-${i}@example.com`);
let csv = "email;name;newsletter;source\n" + emails.map((e, i) => `${e};Member ${i};${i % 3 ? "ja" : "nej"};Bench form\n`).join("");
const members = await timed("members", await upload("members", csv), "skip_bad");
csv = "member,date,amount,receipt\n" + emails.map((e, i) => `${e},2026-0${1 + (i % 9)}-1${i % 10},${(i % 90) + 10}.50,B-${stamp}-${i}\n`).join("");
const purchaseForm = await upload("purchases", csv);
purchaseForm["setup[location]"] = "1";
const purchases = await timed("purchases", purchaseForm, "all");

console.log(`\n| import | rows | mode | check (s) | import (s) | rows/s |`);
console.log(`|---|---|---|---|---|---|`);
for (const r of [members, purchases]) {
  console.log(`| ${r.kind} | ${rows} | ${r.mode} | ${r.check.toFixed(1)} | ${r.run.toFixed(1)} | ${Math.round(rows / r.run)} |`);
}
for (const r of [members, purchases]) {
  console.log(
    `bench import kind=${r.kind} rows=${rows} mode=${r.mode} check_s=${r.check.toFixed(2)} run_s=${r.run.toFixed(2)} rows_per_s=${Math.round(rows / r.run)} vs_check=${(r.run / r.check).toFixed(2)}`,
  );
}
await api.dispose();
