// The admin page in a real browser: Debian's Chromium (tools/chromium), headless, driven by
// playwright-core, against a running `hookschema serve --admin-addr` (the binary given as the
// first argument) holding real deliveries sent to it over HTTP: the token refused when wrong and
// taken when right, the list, a filter, one invalid delivery with its violation marked, the
// activity chart, the drift view's diff, and a hostile payload shown as text (no script runs, no dialog opens). Each view
// is saved as a screenshot in docs/src/admin/, which the manual shows. Prints what it checked; exits
// 1 at the first thing that is not as it should be.

import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const { chromium } = createRequire(join(ROOT, "tools", "package.json"))("playwright-core");
const SHOTS = join(ROOT, "docs", "src", "admin");
const TOKEN = "browser-check-comfydeploy-token";
const ADMIN_TOKEN = "browser-check-admin-token";

const binary = process.argv[2] ?? join(ROOT, "target", "debug", "hookschema");
const browserPath = process.env.HOOKSCHEMA_CHROMIUM ?? "/usr/bin/chromium";

function check(condition, what) {
  if (!condition) {
    throw new Error(`not as it should be: ${what}`);
  }
  console.log(`ok: ${what}`);
}

/** Starts the receiver; resolves to it with its webhook and admin URLs, read from its log. */
function serve(scratch) {
  const child = spawn(
    binary,
    ["serve", "--addr", "127.0.0.1:0", "--admin-addr", "127.0.0.1:0",
      "--store", `sqlite:${join(scratch, "deliveries.db")}`],
    {
      env: { ...process.env, HOOKSCHEMA_COMFYDEPLOY_TOKEN: TOKEN, HOOKSCHEMA_ADMIN_TOKEN: ADMIN_TOKEN },
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  return new Promise((resolve, reject) => {
    const urls = [];
    createInterface({ input: child.stderr }).on("line", (line) => {
      const url = line.match(/http:\/\/[0-9.:]+/);
      if (url && urls.length < 2) {
        urls.push(url[0]);
        if (urls.length === 2) {
          resolve({ child, webhooks: urls[0], admin: urls[1] });
        }
      }
    });
    child.on("exit", (code) => reject(new Error(`hookschema serve exited: ${code}`)));
  });
}

async function send(webhooks, body) {
  const answer = await fetch(`${webhooks}/comfydeploy?token=${TOKEN}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  check(answer.status === 200, `a delivery is stored (${answer.status})`);
}

async function shot(page, name) {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

async function main() {
  mkdirSync(SHOTS, { recursive: true });
  const scratch = mkdtempSync(join(tmpdir(), "hookschema-admin-"));
  const server = await serve(scratch);
  const browser = await chromium.launch({ executablePath: browserPath, args: ["--no-sandbox"] });
  try {
    // 1: valid; 2: a status the enum lacks; 3: script and markup where a sender writes text.
    await send(server.webhooks, { run_id: "run_ok", status: "success", live_status: null, progress: 1, outputs: [] });
    await send(server.webhooks, { run_id: "run_paused", status: "paused", live_status: "waiting", progress: 0.4, outputs: [] });
    await send(server.webhooks, {
      run_id: "<script>window.ran = true</script>", status: "<img src=x onerror=alert(1)>",
      live_status: "</pre><h1 id=injected>markup</h1>", progress: 0, outputs: [],
    });

    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const dialogs = [];
    page.on("dialog", async (dialog) => {
      dialogs.push(dialog.message());
      await dialog.dismiss();
    });

    // Without the token: 401 and the login form; a wrong token is refused.
    const first = await page.goto(`${server.admin}/`);
    check(first.status() === 401, "without the token the page answers 401");
    const policy = first.headers()["content-security-policy"] ?? "";
    check(policy.includes("default-src 'none'"), "the answer carries a strict Content-Security-Policy");
    await page.fill("input[name=token]", "not-the-token");
    await page.click("button[type=submit]");
    check(await page.getByText("That is not the admin token.").isVisible(), "a wrong token is refused");
    await shot(page, "login-refused");

    // With it: the list, newest first.
    await page.fill("input[name=token]", ADMIN_TOKEN);
    await page.click("button[type=submit]");
    await page.waitForURL(`${server.admin}/`);
    const rows = page.locator("table.deliveries tbody tr");
    check((await rows.count()) === 3, "the token lets in: the list shows the three deliveries");
    check((await rows.first().locator("td").first().innerText()) === "3", "newest first");
    await shot(page, "list");

    // A filter: the invalid ones.
    await page.selectOption("select[name=verdict]", "invalid");
    await page.click("form.filter button[type=submit]");
    await page.waitForURL(/verdict=invalid/);
    check((await rows.count()) === 2, "the verdict filter shows the two invalid deliveries");
    await shot(page, "filter-invalid");

    // One invalid delivery: its violation marked at its JSON Pointer.
    await page.click("a[href='/deliveries/2']");
    const mark = page.locator("pre.body mark[data-pointer='/status']");
    check((await mark.count()) === 1, "the violation is marked at /status in the body");
    check((await mark.innerText()).includes("paused"), "the mark holds the value that broke the schema");
    check((await page.locator("table.violations").innerText()).includes("/status"), "the violations table names the pointer");
    await shot(page, "delivery");

    // The hostile one: all of it text.
    await page.goto(`${server.admin}/deliveries/3`);
    const body = await page.locator("pre.body").innerText();
    check(body.includes("<script>window.ran = true</script>"), "the script is shown as text");
    check(body.includes("<img src=x onerror=alert(1)>"), "the markup is shown as text");
    check((await page.locator("#injected").count()) === 0, "no element of the payload is in the page");
    check((await page.locator("main script, main img").count()) === 0, "no script or image element came from the payload");
    check((await page.evaluate(() => window.ran)) === undefined, "no script of the payload ran");
    check(dialogs.length === 0, "no dialog opened");
    await shot(page, "hostile");

    // The activity chart: this hour's bars, one valid and two invalid deliveries.
    await page.click("nav a[href='/activity']");
    check((await page.locator("section.activity h2").innerText()) === "comfydeploy/workflow-run-webhook-body", "the chart has a row for the webhook");
    check((await page.locator("section.activity p").innerText()) === "1 valid, 2 invalid", "it counts the deliveries by verdict");
    const drawn = await page.locator("svg.chart rect.invalid").evaluateAll((bars) => bars.filter((bar) => Number(bar.getAttribute("height")) > 0).length);
    check(drawn === 1, "one hour's bar stands for them");
    await shot(page, "activity");

    // The drift view: the new status, proposed as a diff of the schema.
    await page.click("nav a[href='/drift']");
    const added = page.locator("pre.diff .add");
    check((await added.count()) > 0, "the drift view shows the proposed widening as a diff");
    check((await added.allInnerTexts()).some((line) => line.includes("paused")), "the diff adds the status the senders sent");
    await shot(page, "drift");
  } finally {
    await browser.close();
    server.child.kill("SIGTERM");
    rmSync(scratch, { recursive: true, force: true });
  }
  console.log(`screenshots in ${SHOTS}`);
}

main().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
