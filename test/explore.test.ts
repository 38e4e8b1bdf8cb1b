/** End-to-end tests of the explorer: Playwright driving Debian's chromium against `deeplimits explore`. */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./helpers.js";

const root = new URL("..", import.meta.url).pathname;
const CLI = join(root, "dist/src/node/cli.js");
const ARTIFACTS = join(root, "artifacts");
const CHROMIUM = "/usr/bin/chromium";
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.CI) throw new Error("chromium is missing: .ci/run should install it");

type Browser = import("playwright-core").Browser;
type Page = import("playwright-core").Page;

let server: ChildProcess;
let url = "";
let browser: Browser;
const problems: string[] = [];

async function openPage(path = ""): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  await page.goto(url + path);
  return page;
}

/** Split a POSIX shell command into argv (words, single quotes, and '\'' escapes, as cliCommand writes them). */
function shellWords(cmd: string): string[] {
  const words: string[] = [];
  let cur: string | null = null;
  for (let i = 0; i < cmd.length; i++) {
    const ch = cmd[i];
    if (ch === "'") {
      const end = cmd.indexOf("'", i + 1);
      cur = (cur ?? "") + cmd.slice(i + 1, end);
      i = end;
    } else if (ch === "\\") {
      cur = (cur ?? "") + cmd[++i];
    } else if (/\s/.test(ch)) {
      if (cur !== null) words.push(cur);
      cur = null;
    } else cur = (cur ?? "") + ch;
  }
  if (cur !== null) words.push(cur);
  return words;
}

/** Wait until the status line matches a regular expression (evaluated in the page). */
/** Fill the form's inputs by name. */
async function fillForm(page: Page, values: Record<string, string>): Promise<void> {
  for (const [name, value] of Object.entries(values)) await page.fill(`input[name=${name}]`, value);
}

/** A fresh page with these form values, run to the end. */
async function runWith(values: Record<string, string>): Promise<Page> {
  const page = await openPage();
  await fillForm(page, values);
  await page.click("#run");
  await page.waitForSelector("#stats[data-final=true]", { timeout: 60000 });
  return page;
}

function waitForStatus(page: Page, pattern: string, timeout = 60000) {
  const expr = `new RegExp(${JSON.stringify(pattern)}).test(document.querySelector("#status").textContent)`;
  return page.waitForFunction(expr, null, { timeout });
}

describe.skipIf(!haveChromium)("explorer (browser)", () => {
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    server = spawn(process.execPath, [CLI, "explore", "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
    url = await new Promise<string>((ok, fail) => {
      server.stdout!.on("data", (b: Buffer) => {
        const m = /(http:\/\/\S+\/)/.exec(b.toString());
        if (m) ok(m[1]);
      });
      server.once("exit", (code) => fail(new Error(`explore exited with ${code}`)));
    });
    browser = await launchChromium(CHROMIUM);
  });
  afterAll(async () => {
    await browser?.close();
    server?.kill("SIGTERM");
  });

  it("the production bundle is small (loads fast from a local server)", async () => {
    const assets = join(root, "dist/web/assets");
    const total = readdirSync(assets).reduce((s, f) => s + statSync(join(assets, f)).size, 0);
    expect(total).toBeLessThan(2.5e6);
    const t0 = Date.now();
    const page = await openPage();
    await page.waitForLoadState("load");
    console.log(`explorer loaded in ${Date.now() - t0} ms (bundle ${(total / 1e6).toFixed(2)} MB)`);
    await page.close();
  });

  it("change width and depth, run: histogram, stats and KS appear; the numbers equal the CLI's bit for bit", async () => {
    const page = await runWith({ width: "64", depth: "24", samples: "20000", seed: "7" });
    await page.waitForSelector("#chart[data-rendered=true] svg");
    expect(await page.locator("#chart svg path").count()).toBeGreaterThan(10);
    const rows = page.locator("#fits tbody tr");
    expect(await rows.count()).toBe(2);
    const ksExact = Number(
      await page.locator('#fits tr[data-curve="exact finite (n, d)"]').getAttribute("data-ks-p"),
    );
    expect(ksExact).toBeGreaterThan(0.001);
    const mean = await page.locator("#stats").getAttribute("data-mean");
    const variance = await page.locator("#stats").getAttribute("data-variance");
    expect(await page.locator("#stats").getAttribute("data-engine")).toBe("product");
    await page.screenshot({ path: join(ARTIFACTS, "explorer-histogram.png") });
    // The page's CLI command reproduces the numbers bit for bit.
    await page.click("#copy-cli");
    const cmd = (await page.locator("#cli").textContent())!;
    expect(cmd).toMatch(
      /^deeplimits simulate nica-mlp .*--set width='64' --set depth='24'.*--samples 20000 --seed 7/,
    );
    const args = shellWords(cmd).slice(1);
    const r = spawnSync(process.execPath, [CLI, ...args, "--json"], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const cliStats = JSON.parse(r.stdout).stats.G;
    // Bit for bit: the product engine's sampler and the ziggurat's tables use fdlibm's log and exp, not
    // the JavaScript engine's (docs/explorer.md).
    expect(String(cliStats.mean)).toBe(mean);
    expect(String(cliStats.variance)).toBe(variance);
    await page.close();
  });

  it("a changed form marks the result stale, and Export JSON exports the run shown, not the form", async () => {
    const page = await runWith({ width: "40", depth: "6", samples: "4000", seed: "2" });
    expect(await page.locator("#stale").isVisible()).toBe(false);
    await page.fill("input[name=width]", "7");
    expect(await page.locator("#stale").isVisible()).toBe(true);
    expect(await page.locator("#chart").getAttribute("data-stale")).toBe("true");
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#export-json")]);
    const exported = JSON.parse(readFileSync((await download.path())!, "utf8"));
    expect(exported.spec.width).toBe(40);
    expect(exported.samples).toBe(4000);
    expect(exported.result.done).toBe(4000);
    expect(exported.result.stats.mean).toBe(Number(await page.locator("#stats").getAttribute("data-mean")));
    expect(exported.result.fits.map((f: { curve: string }) => f.curve)).toContain("exact finite (n, d)");
    // Back to the run's own settings: no longer stale.
    await page.fill("input[name=width]", "40");
    expect(await page.locator("#stale").isVisible()).toBe(false);
    await page.close();
  });

  it("the state is in the URL: a shared link restores the view", async () => {
    const page = await openPage();
    await page.selectOption("select[name=family]", "resnet");
    await fillForm(page, { width: "30", depth: "40" });
    await page.check("input[name=balanced]");
    await page.selectOption("select[name=observable]", "logOutNorm2");
    await page.locator("input[name=depth]").dispatchEvent("change");
    const shared = page.url();
    expect(shared).toMatch(/family=resnet/);
    const other = await openPage(shared.slice(url.length));
    expect(await other.inputValue("input[name=width]")).toBe("30");
    expect(await other.inputValue("input[name=depth]")).toBe("40");
    expect(await other.isChecked("input[name=balanced]")).toBe(true);
    expect(await other.inputValue("select[name=observable]")).toBe("logOutNorm2");
    expect(await other.locator("input[name=alpha2]").isVisible()).toBe(true);
    // Keyboard: Enter in a field submits the form and runs.
    await other.fill("input[name=samples]", "4000");
    await other.press("input[name=samples]", "Enter");
    await other.waitForSelector("#stats[data-final=true]", { timeout: 60000 });
    expect(await other.locator("#stats").getAttribute("data-engine")).toBe("reduced");
    expect(await other.locator("#fits tbody tr").count()).toBeGreaterThan(0);
    await other.screenshot({ path: join(ARTIFACTS, "explorer-resnet.png") });
    await page.close();
    await other.close();
  });

  /**
   * Run the form as it stands: the engine, the theory row of the fits table, and the page's CLI line,
   * run by the CLI, gives the same mean. (ECMAScript leaves Math.log/exp "implementation-approximated":
   * Chromium's V8 and Node's may differ in the last bit of a few samples; observed: 1 ulp of the mean.)
   */
  async function runMatchesCli(
    page: Page,
    o: { engine: string; curve: string; preset: string; observable: string; shot: string },
  ): Promise<void> {
    await page.click("#run");
    await page.waitForSelector("#stats[data-final=true]", { timeout: 60000 });
    expect(await page.locator("#stats").getAttribute("data-engine")).toBe(o.engine);
    expect(await page.locator(`#fits tr[data-curve${o.curve}]`).count()).toBe(1);
    await page.click("#copy-cli");
    const cmd = (await page.locator("#cli").textContent())!;
    expect(cmd.startsWith(`deeplimits simulate ${o.preset} `), cmd).toBe(true);
    const r = spawnSync(process.execPath, [CLI, ...shellWords(cmd).slice(1), "--json"], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const cliStats = JSON.parse(r.stdout).stats[o.observable];
    const pageMean = Number(await page.locator("#stats").getAttribute("data-mean"));
    expect(Math.abs(pageMean - cliStats.mean)).toBeLessThan(1e-12 * Math.abs(cliStats.mean));
    await page.screenshot({ path: join(ARTIFACTS, o.shot) });
    await page.close();
  }

  /** Switching family sets its defaults and fields; a run shows its overlay and matches the CLI. */
  const FAMILY_CASES = [
    {
      family: "hayou",
      title: "Hayou's ResNet: family switch, Quasi-GBM overlay, and the same numbers as the CLI",
      defaults: { "select[name=observable]": "logPostNormGrowth", "input[name=gain]": "1" },
      hidden: ["input[name=nOut]"],
      form: { width: "5", depth: "50", samples: "3000" },
      run: { engine: "reduced", curve: '="Quasi-GBM N(A(n), 1/n)"', preset: "hayou-resnet" },
      observable: "logPostNormGrowth",
    },
    {
      family: "marion",
      title: "Marion's ResNets: family switch, log-normal overlay, and the same numbers as the CLI",
      defaults: { "select[name=observable]": "log10NormRatio", "select[name=law]": "uniform" },
      hidden: ["input[name=gain]", "input[name=hurst]"],
      form: { width: "20", depth: "100", samples: "300" },
      run: { engine: "dense", curve: '^="log-normal"', preset: "marion-res3" },
      observable: "log10NormRatio",
    },
  ];
  for (const c of FAMILY_CASES) {
    it(c.title, async () => {
      const page = await openPage();
      await page.selectOption("select[name=family]", c.family);
      for (const [sel, value] of Object.entries(c.defaults))
        expect(await page.inputValue(sel), sel).toBe(value);
      for (const sel of c.hidden) expect(await page.locator(sel).isVisible(), sel).toBe(false);
      if (c.family === "marion") {
        // The Hurst index shows only for fBM weights.
        await page.selectOption("select[name=correlation]", "fbm");
        expect(await page.locator("input[name=hurst]").isVisible()).toBe(true);
        await page.selectOption("select[name=correlation]", "iid");
      }
      await fillForm(page, c.form);
      await runMatchesCli(page, { ...c.run, observable: c.observable, shot: `explorer-${c.family}.png` });
    });
  }

  it("the NTK: ln K of the ReLU MLP on the product engine, its log-normal overlay, the same numbers as the CLI", async () => {
    const page = await openPage();
    await page.selectOption("select[name=observable]", "logNtk");
    await fillForm(page, { width: "30", depth: "20", samples: "4000" });
    await runMatchesCli(page, {
      engine: "product",
      curve: '^="log-normal with the exact"',
      preset: "nica-mlp",
      observable: "logNtk",
      shot: "explorer-ntk.png",
    });
  });

  it("the stop button stops a run and keeps a partial result", async () => {
    const page = await openPage("?engine=dense&depth=60&samples=200000");
    await page.click("#run");
    await waitForStatus(page, "Running .* [1-9]\\d* / 200000");
    await page.click("#stop");
    await waitForStatus(page, "^Stopped");
    const n = Number(await page.locator("#stats").getAttribute("data-n"));
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThan(200000);
    expect(await page.locator("#stats").getAttribute("data-final")).toBe("false");
    expect(await page.isDisabled("#stop")).toBe(true);
    expect(await page.isEnabled("#run")).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, "explorer-stopped.png") });
    await page.close();
  });

  it("a sweep plots a statistic against depth with the theory lines", async () => {
    const page = await openPage("?view=sweep&sweepValues=2,8,32&samples=4000");
    await page.click("#run");
    await waitForStatus(page, "^Sweep done");
    expect(await page.locator("#stats tbody tr").count()).toBe(3);
    await page.waitForSelector("#chart[data-rendered=true] svg");
    await page.screenshot({ path: join(ARTIFACTS, "explorer-sweep.png") });
    await page.close();
  });

  it("a two-axis sweep draws a line per value of the second axis; its CLI command and sweep file give the same numbers", async () => {
    const page = await openPage(
      "?view=sweep&sweepValues=2,6&sweepParam2=width&sweepValues2=8..16 step 8&samples=3000&seed=4",
    );
    await page.click("#run");
    await waitForStatus(page, "^Sweep done: 4 of 4");
    await page.waitForSelector("#chart[data-rendered=true] svg");
    await page.screenshot({ path: join(ARTIFACTS, "explorer-sweep-2d.png") });
    const shown = await page
      .locator("#stats tbody tr")
      .evaluateAll((trs) =>
        trs.map((tr) => [
          tr.querySelector("th")!.textContent,
          (tr as unknown as { dataset: { mean?: string } }).dataset.mean,
        ]),
      );
    expect(shown.map(([label]) => label)).toEqual([
      "depth = 2, width = 8",
      "depth = 2, width = 16",
      "depth = 6, width = 8",
      "depth = 6, width = 16",
    ]);
    await page.click("#copy-cli");
    const cmd = (await page.locator("#cli").textContent())!;
    expect(cmd).toMatch(
      /^deeplimits sweep nica-mlp .*--grid 'depth=2,6' --grid 'width=8,16' --observables G --samples 3000 --seed 4/,
    );
    const viaCli = spawnSync(
      process.execPath,
      [CLI, ...shellWords(cmd).slice(1), "--json", "--out", join(ARTIFACTS, "sweep-cli")],
      { encoding: "utf8" },
    );
    expect(viaCli.status, viaCli.stderr).toBe(0);
    const cliMeans = JSON.parse(viaCli.stdout).rows.map((r: { mean: number }) => String(r.mean));
    // Bit for bit (the MLP's product engine does not use the JavaScript engine's Math.log; docs/explorer.md).
    expect(cliMeans).toEqual(shown.map(([, mean]) => mean));
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#export-json")]);
    const file = join(ARTIFACTS, "deeplimits-sweep.json");
    await download.saveAs(file);
    const viaFile = spawnSync(
      process.execPath,
      [CLI, "sweep", file, "--json", "--out", join(ARTIFACTS, "sweep-file")],
      { encoding: "utf8" },
    );
    expect(viaFile.status, viaFile.stderr).toBe(0);
    expect(JSON.parse(viaFile.stdout).rows.map((r: { mean: number }) => String(r.mean))).toEqual(cliMeans);
    await page.close();
  });

  it("bad input shows the spec error naming the field, and runs nothing", async () => {
    const page = await openPage();
    await page.fill("input[name=width]", "-3");
    await page.click("#run");
    await expect
      .poll(() => page.locator("#error").textContent())
      .toMatch(/^width: width must be an integer from 1/);
    expect(await page.isEnabled("#run")).toBe(true);
    await page.close();
  });

  it("no console errors or warnings in any page", () => {
    expect(problems).toEqual([]);
  });
});
