// Browser tests of the rnnlab site, run by `make test-browser`:
//
//   node site/test/run.mjs [--bin bin/rnnlab] [--dir DIR | --url http://host:port/] [--out out/browser] [--only a,b] [--strict]
//
// It starts `rnnlab serve` on a free port (or uses --url), drives Debian's
// Chromium through playwright-core (never a downloaded browser), prints one
// line per test and ends with the line `N passed, N failed`; the exit status
// is non-zero when a test failed (or, with --strict, was skipped).
// Screenshots and perf.json (first-visit brotli bytes per page, time to the
// first frame, steps/s and fps while training) go to --out.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { Skip, sleep, startServer, run, httpStatus, brotliBytes, decodePNG, inkFraction, parseNpy, poll } from './lib.mjs';

const args = process.argv.slice(2);
const opt = (name, def) => { const i = args.indexOf('--' + name); return i >= 0 ? args[i + 1] : def; };
const BIN = path.resolve(opt('bin', 'bin/rnnlab'));
const OUT = path.resolve(opt('out', 'out/browser'));
const ONLY = opt('only', '') ? opt('only').split(',') : null;
const STRICT = args.includes('--strict');
const DIR = opt('dir', ''); // serve this folder instead of the binary's embedded site
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const VIEWS = ['attractor', 'series', 'latent', 'raster', 'loss', 'analysis', 'dashboard'];
const INK = 0.02; // a canvas is drawn when > 2% of its pixels differ from the background

fs.mkdirSync(OUT, { recursive: true });
const perf = { date: new Date().toISOString(), chromium: '', pages: {}, training: {} };
let URL0, server, browser;

// ---- page helpers ----

async function newPage(opts = {}) {
  const ctx = await browser.newContext({ viewport: { width: 960, height: 640 }, deviceScaleFactor: 1, ...opts });
  const page = await ctx.newPage();
  // The time of the first WebGL draw call in each frame, a stand-in for
  // window.rnnlab.firstFrame where the lab does not set it.
  await ctx.addInitScript(() => {
    for (const C of [self.WebGL2RenderingContext, self.WebGLRenderingContext]) {
      if (!C) continue;
      for (const fn of ['drawElements', 'drawArrays']) {
        const orig = C.prototype[fn];
        C.prototype[fn] = function (...a) { if (self.__firstDraw === undefined) self.__firstDraw = performance.now(); return orig.apply(this, a); };
      }
    }
  });
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') page.errors.push(m.text()); });
  // A harness page on the site's origin: lab.html in an iframe, the
  // messages it posts collected in window.msgs, send(msg) to post to it.
  await ctx.route('**/__test/harness.html*', (route) => {
    const u = new URL(route.request().url());
    const src = '../' + (u.searchParams.get('page') || 'lab.html') + (u.searchParams.get('q') || '') + '#' + (u.searchParams.get('hash') || '');
    route.fulfill({ contentType: 'text/html', body: `<!doctype html><meta charset="utf-8"><body style="margin:0">
<iframe id="w" src="${src}" style="width:800px;height:560px;border:0"></iframe>
<script>
window.msgs = [];
addEventListener('message', (e) => { if (e.data && e.data.source === 'rnnlab') window.msgs.push(e.data); });
window.send = (msg) => document.getElementById('w').contentWindow.postMessage(msg, location.origin);
window.b64 = (buf) => { let s = ''; const u = new Uint8Array(buf); for (let i = 0; i < u.length; i += 8192) s += String.fromCharCode.apply(null, u.subarray(i, i + 8192)); return btoa(s); };
window.unb64 = (s) => { const b = atob(s), u = new Uint8Array(b.length); for (let i = 0; i < b.length; i++) u[i] = b.charCodeAt(i); return u.buffer; };
</script>` });
  });
  return page;
}

async function closePage(page) { await page.context().close(); }

async function requirePage(name) {
  const code = await httpStatus(URL0 + name);
  if (code === 404) throw new Skip(`${name} does not exist yet`);
  if (code !== 200) throw new Error(`${name}: HTTP ${code}`);
}

// status reads a frame's window.rnnlab.status as plain data.
const statusOf = (frame) => frame.evaluate(() => (window.rnnlab && window.rnnlab.status) ? JSON.parse(JSON.stringify(window.rnnlab.status)) : null);

async function waitStatus(frame, pred, ms, what) {
  let last = null;
  try {
    return await poll(async () => { last = await statusOf(frame); return last && pred(last) ? last : null; }, ms, what, 200);
  } catch (e) {
    throw new Error(`${e.message}; last status ${JSON.stringify(last)}`);
  }
}

// shot screenshots a locator to OUT/name.png and returns its ink fraction.
async function shot(locator, name) {
  const buf = await locator.screenshot({ path: path.join(OUT, name + '.png') });
  return inkFraction(decodePNG(buf));
}

async function labFrame(page) {
  const el = await page.waitForSelector('#w');
  return el.contentFrame();
}

// messages returns the harness's collected messages (bytes as base64).
const messages = (page) => page.evaluate(() => window.msgs.map((m) => m.bytes instanceof ArrayBuffer ? { ...m, bytes: window.b64(m.bytes) } : m));

async function waitMessage(page, pred, ms, what, from = 0) {
  return poll(async () => (await messages(page)).slice(from).find(pred), ms, what, 200);
}

const isNum = (v) => typeof v === 'number' && Number.isFinite(v);

// ---- tests ----

const tests = [];
const test = (name, fn) => tests.push({ name, fn });

for (const view of VIEWS) {
  test(`view ${view} draws`, async () => {
    await requirePage('lab.html');
    const page = await newPage();
    try {
      await page.goto(`${URL0}lab.html#view=${view}&play=1&until=300`);
      const canvas = page.locator('canvas').first();
      await canvas.waitFor({ timeout: 30000 });
      await waitStatus(page, (s) => s.step >= 50, 90000, `${view}: 50 training steps`);
      if (view === 'analysis') await sleep(2000);
      let ink = 0;
      await poll(async () => (ink = await shot(canvas, `view-${view}`)) > INK, 30000, `${view}: a drawn canvas`, 1000)
        .catch((e) => { throw new Error(`${e.message} (ink ${(100 * ink).toFixed(2)}%)`); });
      if (page.errors.length) throw new Error('page errors: ' + page.errors.join(' | '));
      return `ink ${(100 * ink).toFixed(1)}%`;
    } finally { await closePage(page); }
  });
}

test('training: step rises, loss falls, an evaluation arrives', async () => {
  // Long enough (several seconds at the page's 150–250 steps/s) that the
  // rate's one-second windows are mostly of steady training, not its start.
  const UNTIL = 1200;
  await requirePage('lab.html');
  const page = await newPage();
  try {
    await page.goto(`${URL0}lab.html#play=1&until=${UNTIL}`);
    const first = await waitStatus(page, (s) => s.step > 0 && isNum(s.loss), 60000, 'a first training step');
    first.t = Date.now();
    // Frame times while training (requestAnimationFrame intervals), recorded
    // in perf.json, not asserted: the machine's load decides them.
    await page.evaluate(() => {
      window.__ft = []; let last = performance.now();
      const f = (t) => { if (window.rnnlab && window.rnnlab.status && window.rnnlab.status.running) window.__ft.push(t - last); last = t; requestAnimationFrame(f); };
      requestAnimationFrame(f);
    });
    const samples = [];
    const last = await waitStatus(page, (s) => {
      if (s.running && isNum(s.stepsPerSec) && s.stepsPerSec > 0) samples.push({ sps: s.stepsPerSec, fps: s.fps });
      return s.step >= UNTIL && s.dstsp !== null && s.dh !== null;
    }, 240000, `step ${UNTIL} and an evaluation`);
    last.t = Date.now();
    if (!(last.step > first.step)) throw new Error(`step did not rise: ${first.step} → ${last.step}`);
    if (!(last.loss < first.loss)) throw new Error(`loss did not fall: ${first.loss} → ${last.loss}`);
    if (!isNum(last.dstsp) || !isNum(last.dh)) throw new Error(`evaluation not numeric: dstsp ${last.dstsp}, dh ${last.dh}`);
    if (last.step !== UNTIL) throw new Error(`training went past until=${UNTIL}: step ${last.step}`);
    // steps/s is the steps the run advanced per wall second: compare with
    // the step count over the run's whole duration, and 0 once it stopped.
    const wall = (last.t - first.t) / 1000, progress = (last.step - first.step) / wall;
    const med0 = [...samples.map((x) => x.sps)].sort((a, b) => a - b)[samples.length >> 1];
    if (!(med0 < 2.5 * progress && med0 > progress / 2.5)) throw new Error(`steps/s ${med0} is not the run's progress (${progress.toFixed(1)} steps per wall second)`);
    const stopped = await waitStatus(page, (s) => !s.running, 10000, 'the stopped status');
    await sleep(1500);
    const idle = await statusOf(page);
    if (idle.stepsPerSec !== 0) throw new Error(`steps/s stays ${idle.stepsPerSec} after the run stopped`);
    const med = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[s.length >> 1] : null; };
    perf.training = {
      hash: `play=1&until=${UNTIL}`, stepsPerSec: med(samples.map((x) => x.sps)), fps: med(samples.map((x) => x.fps).filter(isNum)),
      frameMs: await page.evaluate(() => { const x = [...window.__ft].sort((a, b) => a - b); const q = (p) => x.length ? +x[Math.min(x.length - 1, Math.floor(p * x.length))].toFixed(1) : null; return { frames: x.length, p50: q(0.5), p95: q(0.95), max: q(1) }; }),
      samples: samples.length, firstLoss: first.loss, lastLoss: last.loss, dstsp: last.dstsp, dh: last.dh, evalStep: last.evalStep,
    };
    const fm = perf.training.frameMs;
    return `loss ${first.loss.toPrecision(4)} → ${last.loss.toPrecision(4)}, D_stsp ${last.dstsp.toPrecision(3)}, D_H ${last.dh.toPrecision(3)}, ${perf.training.stepsPerSec?.toFixed(0)} steps/s, ${perf.training.fps?.toFixed(0)} fps, frames p50 ${fm.p50} ms p95 ${fm.p95} ms max ${fm.max} ms (${fm.frames})`;
  } finally { await closePage(page); }
});

// Frame times while training (requestAnimationFrame intervals) at the
// default model and at the largest the page allows (hidden = 4096, whose
// steps, first free run and evaluations take many frames' work), in
// lab.html (its own bar) and in the home page (index.html: the shell's
// controls and plots, the lab embedded with controls=page): written to
// frames.json and printed with the machine's load and whether issue 12's
// targets held (p95 ≤ 33 ms at the default model, ≤ 50 ms at hidden =
// 4096). Asserted are only what a loaded host cannot break: training
// advanced, frames came, and the median frame stays under a generous
// FRAME_P50_BOUND (a frame that holds a whole step or a whole redraw of a
// loaded software-WebGL canvas is far longer).
const FRAME_TARGET_P95 = { default: 33, 'hidden=4096': 50 };
// rAF intervals come in whole vsyncs (16.7 ms at 60 Hz): 33.3 ms is the two
// vsyncs, 30 frames per second, that "33 ms" means
const metTarget = (p95, target) => p95 <= target + 0.5;
const FRAME_P50_BOUND = 100; // ms
test('frames: frame times while training, lab.html and the home page, default model and hidden=4096', async () => {
  await requirePage('lab.html');
  const out = {};
  for (const [page0, model, hash, secs] of [
    ['lab.html', 'default', 'play=1&until=100000', 6], ['lab.html', 'hidden=4096', 'play=1&hidden=4096&until=100000', 10],
    ['index.html', 'default', 'play=1&until=100000', 6], ['index.html', 'hidden=4096', 'play=1&hidden=4096&until=100000', 10]]) {
    const name = `${page0} ${model}`;
    const page = await newPage();
    try {
      await page.goto(`${URL0}${page0}#${hash}`);
      // the lab's own frame (the home page's iframe shares the page's thread)
      const frame = page0 === 'index.html' ? await (await page.waitForSelector('#lab', { timeout: 30000 })).contentFrame() : page;
      const first = await waitStatus(frame, (s) => s.step > 0, 240000, `${name}: a first training step`);
      await frame.evaluate(() => {
        window.__fr = []; let last = performance.now();
        const f = (t) => { window.__fr.push(t - last); last = t; requestAnimationFrame(f); };
        requestAnimationFrame(f);
      });
      const load0 = os.loadavg()[0];
      await sleep(secs * 1000);
      const x = await frame.evaluate(() => window.__fr.slice());
      const last = await statusOf(frame);
      if (!(last.step > first.step)) throw new Error(`${name}: training did not advance in ${secs} s (step ${first.step} → ${last.step})`);
      if (x.length < 2) throw new Error(`${name}: ${x.length} frames recorded in ${secs} s`);
      const v = [...x].sort((a, b) => a - b), q = (p) => +v[Math.min(v.length - 1, Math.floor(p * v.length))].toFixed(1);
      out[name] = {
        page: page0, model, hash, seconds: secs, frames: v.length, p50: q(0.5), p95: q(0.95), max: +v[v.length - 1].toFixed(1),
        over50: v.filter((t) => t > 50).length, steps: last.step - first.step, targetP95: FRAME_TARGET_P95[model], met: metTarget(q(0.95), FRAME_TARGET_P95[model]),
        cpus: os.cpus().length, loadavg: [load0, ...os.loadavg()].map((l) => +l.toFixed(2)),
      };
      if (page.errors.length) throw new Error(`${name}: page errors: ` + page.errors.join(' | '));
    } finally { await closePage(page); }
  }
  fs.writeFileSync(path.join(OUT, 'frames.json'), JSON.stringify(out, null, 2) + '\n');
  const line = Object.entries(out).map(([k, f]) => `${k}: ${f.frames} frames p50 ${f.p50} p95 ${f.p95} max ${f.max} ms (target p95 ≤ ${f.targetP95}: ${f.met ? 'met' : 'not met'}), ${f.steps} steps in ${f.seconds} s, load ${f.loadavg[0]}`).join('; ') + ` (${os.cpus().length} CPUs)`;
  const slow = Object.entries(out).filter(([, f]) => f.p50 > FRAME_P50_BOUND);
  if (slow.length) throw new Error(`median frame over ${FRAME_P50_BOUND} ms: ${slow.map(([k, f]) => `${k} ${f.p50} ms`).join(', ')}; ${line}`);
  return line;
});

// The lab's bar is page text over the canvas (wasm/bridge/bar.go), so the
// canvas is not redrawn when the step counter changes: its buttons play,
// pause, step and reset, it leaves the canvas's keyboard focus alone, and
// its label fits whole (never half a number) at a phone's and a laptop's
// width.
test('lab bar: page text over the canvas, buttons work, label fits', async () => {
  await requirePage('lab.html');
  const out = [];
  for (const [w, h, dpr] of [[960, 640, 1], [390, 844, 3]]) {
    const page = await newPage({ viewport: { width: w, height: h }, deviceScaleFactor: dpr });
    try {
      await page.goto(`${URL0}lab.html#play=0&until=100000`);
      await page.waitForSelector('#labbar', { timeout: 60000 });
      const s0 = await waitStatus(page, (s) => !s.running, 30000, 'the paused status');
      await page.click('#labbar-play');
      await waitStatus(page, (s) => s.running && s.step > s0.step, 60000, 'the bar\'s play to train');
      await page.click('#labbar-play');
      const p = await waitStatus(page, (s) => !s.running, 10000, 'the bar\'s pause');
      if ((await page.innerText('#labbar-play')).trim() !== 'play') throw new Error(`paused, the bar's button says ${await page.innerText('#labbar-play')}`);
      await page.click('#labbar-step');
      await waitStatus(page, (s) => s.step === p.step + 1, 10000, `the bar's step from ${p.step}`);
      await poll(async () => (await page.innerText('#labbar-label')).includes(`step ${p.step + 1} `), 5000, 'the bar to show the step');
      // the fields on the label's line lie inside it; the others wrapped
      // onto its hidden second line (none half shown)
      const fit = await page.evaluate(() => {
        const l = document.getElementById('labbar-label'), r = l.getBoundingClientRect();
        const f = [...l.children].map((e) => ({ t: e.textContent, r: e.getBoundingClientRect() }));
        const shown = f.filter((x) => x.r.top < r.bottom - 1);
        return { text: shown.map((x) => x.t).join('   '), all: f.length, shown: shown.length, fits: shown.length > 0 && shown.every((x) => x.r.right <= r.right + 0.5) };
      });
      if (!fit.fits) throw new Error(`at ${w}×${h} the bar's label is cut off: "${fit.text}"`);
      if (w >= 960 && fit.shown < 2) throw new Error(`at ${w}×${h} the bar shows only "${fit.text}" (${fit.all} fields)`);
      await page.click('#labbar-reset');
      await waitStatus(page, (s) => s.step === 0, 10000, 'the bar\'s reset');
      const focus = await page.evaluate(() => document.activeElement && document.activeElement.tagName);
      if (focus === 'BUTTON') throw new Error('a click on the bar took the keyboard focus from the canvas');
      await page.screenshot({ path: path.join(OUT, `labbar-${w}x${h}@${dpr}.png`) });
      if (page.errors.length) throw new Error('page errors: ' + page.errors.join(' | '));
      out.push(`${w}×${h}@${dpr} "${fit.text}"`);
    } finally { await closePage(page); }
  }
  return out.join('; ');
});

test('native and browser trajectories agree number for number', async () => {
  await requirePage('lab.html');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rnnlab-browser-'));
  try {
    const cfg = {
      model: { kind: 'clipped-shplrnn', latents: 3, hidden: 20, observation: 'identity' },
      data: { source: 'lorenz63', steps: 5000, dt: 0.01, seed: 1, test_fraction: 0.5 },
      train: { steps: 200, seed: 1, seq_len: 50, batch: 8, forcing: 'generalized', alpha: 0.1, lr: 2e-3, eval_every: 200, checkpoint_every: 200 },
      eval: { max_steps: 500 },
    };
    fs.writeFileSync(path.join(dir, 'run.json'), JSON.stringify(cfg));
    await run(BIN, ['train', '--config', path.join(dir, 'run.json'), '--out', path.join(dir, 'run')]);
    const ckpt = path.join(dir, 'run', 'checkpoint.safetensors');
    await run(BIN, ['generate', '--checkpoint', ckpt, '--steps', '500', '--out', path.join(dir, 'native.npy')]);
    const native = parseNpy(fs.readFileSync(path.join(dir, 'native.npy')));
    const ckptB64 = fs.readFileSync(ckpt).toString('base64');

    const compare = (b64, how) => {
      const web = parseNpy(Buffer.from(b64, 'base64'));
      if (web.shape.join('x') !== native.shape.join('x')) throw new Error(`${how}: shape ${web.shape} in the browser, ${native.shape} natively`);
      for (let i = 0; i < native.data.length; i++) {
        if (!Object.is(web.data[i], native.data[i])) throw new Error(`${how}: element ${i} (row ${Math.floor(i / native.shape[1])}) is ${web.data[i]} in the browser, ${native.data[i]} natively`);
      }
    };
    const exportTrajectory = async (page, how) => {
      const from = (await messages(page)).length;
      await page.evaluate(() => window.send({ source: 'rnnlab', type: 'export', what: 'trajectory', deliver: 'message', steps: 500 }));
      const m = await waitMessage(page, (m) => m.type === 'file' || m.type === 'error', 60000, `${how}: the exported trajectory`, from);
      if (m.type === 'error') throw new Error(`${how}: export answered error: ${m.message}`);
      compare(m.bytes, how);
    };

    // 1. The upload path: load-checkpoint by postMessage.
    let page = await newPage();
    try {
      await page.goto(`${URL0}__test/harness.html?hash=${encodeURIComponent('play=0&view=attractor')}`);
      const frame = await labFrame(page);
      await waitMessage(page, (m) => m.type === 'ready', 60000, 'ready');
      await waitStatus(frame, () => true, 30000, 'a status');
      const from = (await messages(page)).length;
      await page.evaluate((b) => window.send({ source: 'rnnlab', type: 'load-checkpoint', name: 'checkpoint.safetensors', bytes: window.unb64(b) }), ckptB64);
      await sleep(500);
      const err = (await messages(page)).slice(from).find((m) => m.type === 'error');
      if (err) throw new Error('load-checkpoint answered error: ' + err.message);
      await exportTrajectory(page, 'load-checkpoint');
      await shot(page.locator('#w'), 'native-vs-browser');
    } finally { await closePage(page); }

    // 2. ?checkpoint=URL, a file beside the page.
    page = await newPage();
    try {
      await page.context().route('**/__test/ckpt.safetensors', (r) => r.fulfill({ contentType: 'application/octet-stream', body: fs.readFileSync(ckpt) }));
      await page.goto(`${URL0}__test/harness.html?q=${encodeURIComponent('?checkpoint=__test/ckpt.safetensors')}&hash=${encodeURIComponent('play=0')}`);
      await waitMessage(page, (m) => m.type === 'ready', 60000, 'ready');
      const frame = await labFrame(page);
      await waitStatus(frame, (s) => s.params > 0, 30000, 'a status');
      await sleep(1000);
      await exportTrajectory(page, '?checkpoint=');
    } finally { await closePage(page); }
    return `${native.shape.join('×')} values identical (load-checkpoint and ?checkpoint=)`;
  } finally { fs.rmSync(dir, { recursive: true, force: true }); }
});

test('malformed files give an error and leave training as it was', async () => {
  await requirePage('lab.html');
  const page = await newPage();
  try {
    await page.goto(`${URL0}__test/harness.html?hash=${encodeURIComponent('play=1&until=100000&seed=3')}`);
    const frame = await labFrame(page);
    await waitMessage(page, (m) => m.type === 'ready', 60000, 'ready');
    const garbage = Buffer.from('this is not a series\x00\x01\x02\xff garbage '.repeat(20), 'latin1').toString('base64');
    const notes = [];
    // Each message must name the file and say what is wrong with it.
    for (const [type, name, problem] of [['load-data', 'garbage.npy', /not a \.npy file/], ['load-checkpoint', 'garbage.safetensors', /not a valid safetensors file/], ['load-data', 'garbage.csv', /no numeric rows/]]) {
      const before = await waitStatus(frame, (s) => s.step > 0, 60000, 'training');
      const from = (await messages(page)).length;
      await page.evaluate(({ type, name, b }) => window.send({ source: 'rnnlab', type, name, bytes: window.unb64(b) }), { type, name, b: garbage });
      const m = await waitMessage(page, (m) => m.type === 'error', 20000, `an error for ${type} ${name}`, from);
      if (!m.message || m.message.length < 8) throw new Error(`${type}: error message too thin: ${JSON.stringify(m.message)}`);
      if (!m.message.includes(name) || !problem.test(m.message)) throw new Error(`${type}: the error does not name ${name} and ${problem}: ${m.message}`);
      if (/\\x[0-9a-f]{2}|[\x00-\x08\x0e-\x1f\ufffd]/i.test(m.message)) throw new Error(`${type}: the error prints the file's raw bytes: ${m.message}`);
      await sleep(500);
      const after = await statusOf(frame);
      for (const k of ['model', 'data', 'params', 'hash', 'until']) {
        if (JSON.stringify(after[k]) !== JSON.stringify(before[k])) throw new Error(`${type}: status.${k} changed from ${JSON.stringify(before[k])} to ${JSON.stringify(after[k])}`);
      }
      if (!(after.step >= before.step)) throw new Error(`${type}: training went back from step ${before.step} to ${after.step}`);
      if (!after.running) throw new Error(`${type}: training stopped`);
      notes.push(`${type}: “${m.message}”`);
    }
    await shot(page.locator('#w'), 'malformed-file');
    return notes.join('; ');
  } finally { await closePage(page); }
});

// labErrors reads the errors the widget reported (window.rnnlab.errors).
const labErrors = (frame) => frame.evaluate(() => (window.rnnlab && window.rnnlab.errors) ? [...window.rnnlab.errors] : []);

// stillRunning checks that the widget trains on and draws after a failure:
// the step rises and the status keeps coming.
async function stillRunning(frame, what) {
  const a = await waitStatus(frame, (s) => s.running && s.step > 0, 60000, `${what}: training`);
  await waitStatus(frame, (s) => s.step > a.step + 2, 60000, `${what}: training goes on after step ${a.step}`);
}

test('a missing or unreachable ?checkpoint= file shows an error and the widget runs on', async () => {
  await requirePage('lab.html');
  const notes = [];
  for (const [q, want] of [['?checkpoint=__test/missing.safetensors', /missing\.safetensors.*HTTP 404/], ['?checkpoint=__test/aborted.safetensors', /aborted\.safetensors could not be fetched/]]) {
    const page = await newPage();
    try {
      await page.context().route('**/__test/missing.safetensors', (r) => r.fulfill({ status: 404, body: 'not found' }));
      await page.context().route('**/__test/aborted.safetensors', (r) => r.abort('connectionrefused'));
      await page.goto(`${URL0}lab.html${q}#play=1&until=100000`);
      const errs = await poll(async () => { const e = await labErrors(page); return e.length ? e : null; }, 60000, `${q}: an error in window.rnnlab.errors`, 200);
      if (!want.test(errs[0])) throw new Error(`${q}: the error does not say ${want}: ${errs[0]}`);
      await stillRunning(page, q);
      const fatal = page.errors.filter((e) => /panic|exit|Go program has already exited|wasm/i.test(e));
      if (fatal.length) throw new Error(`${q}: the Go program failed: ${fatal.join(' | ')}`);
      await shot(page.locator('canvas').first(), 'missing-checkpoint');
      notes.push(`“${errs[0]}”`);
    } finally { await closePage(page); }
  }
  return notes.join('; ');
});

test('malformed messages give an error and leave the widget running', async () => {
  await requirePage('lab.html');
  const page = await newPage();
  try {
    await page.goto(`${URL0}__test/harness.html?hash=${encodeURIComponent('play=1&until=100000')}`);
    const frame = await labFrame(page);
    await waitMessage(page, (m) => m.type === 'ready', 60000, 'ready');
    const notes = [];
    for (const msg of [
      { type: 'load-data', name: 'x.npy', bytes: 'not bytes' },
      { type: 'load-data', name: 'y.npy', bytes: 42 },
      { type: 'load-checkpoint', name: 'empty.safetensors' },
      { type: 'load-checkpoint', name: 'empty.safetensors', empty: true },
      { type: 'export', what: 'nonsense', deliver: 'message' },
      { type: 'command', cmd: 'jump' },
      { type: 'state', hash: 'latents=abc' },
      { type: 'no-such-type' },
    ]) {
      const from = (await messages(page)).length;
      await page.evaluate((m) => { const { empty, ...rest } = m; window.send({ source: 'rnnlab', ...rest, ...(empty ? { bytes: new ArrayBuffer(0) } : {}) }); }, msg);
      const m = await waitMessage(page, (m) => m.type === 'error', 20000, `an error for ${JSON.stringify(msg)}`, from);
      await stillRunning(frame, JSON.stringify(msg));
      notes.push(`${msg.type}: “${m.message}”`);
    }
    if (page.errors.length) throw new Error('page errors: ' + page.errors.join(' | '));
    return notes.join('; ');
  } finally { await closePage(page); }
});

test('runs go on: Start at until says why, raising until continues, lr and forcing change mid-run', async () => {
  await requirePage('index.html');
  const page = await newPage();
  try {
    await page.goto(`${URL0}#until=30&play=1&hidden=20`);
    const frame = await (await page.waitForSelector('iframe')).contentFrame();
    await waitStatus(frame, (s) => s.step === 30 && !s.running, 180000, 'the run to stop at until=30');
    await page.click('#play');
    const msg = await poll(async () => { const t = await page.locator('#message').innerText(); return /raise/i.test(t) ? t : null; }, 15000, 'a message saying why Start does nothing at until');
    // Raising until continues from step 30: no status goes back below it.
    const steps = [];
    await page.fill('#until', '400');
    await page.locator('#until').dispatchEvent('change');
    await poll(async () => { const s = await statusOf(frame); return s && s.until === 400 ? s : null; }, 15000, 'until=400 in the widget');
    if ((await page.locator('#confirm-text').innerText()).trim()) throw new Error('raising until asked to discard the run: ' + await page.locator('#confirm-text').innerText());
    await page.click('#play');
    await waitStatus(frame, (s) => { steps.push(s.step); return s.step > 30; }, 120000, 'training on past step 30');
    // lr and forcing change mid-run: no reset, no pause.
    const before = await statusOf(frame);
    await page.fill('#lr', '0.002');
    await page.locator('#lr').dispatchEvent('change');
    await page.selectOption('#forcing', 'sparse');
    const after = await waitStatus(frame, (s) => /lr=0\.002/.test(s.hash) && /forcing=sparse/.test(s.hash), 15000, 'lr and forcing in the widget');
    const end = await waitStatus(frame, (s) => { steps.push(s.step); return s.step >= 400 && !s.running; }, 300000, 'step 400');
    if (Math.min(...steps) < 30 || after.step < before.step) throw new Error(`the run went back: steps ${steps.join(',')}`);
    // A change that needs a new run asks first and keeps the run on "keep".
    await page.fill('#seed', '5');
    await page.locator('#seed').dispatchEvent('change');
    const q = await poll(async () => (await page.locator('#confirm-text').innerText()).trim() || null, 15000, 'the page to ask before discarding the run');
    if (!/seed/.test(q) || !/discard/.test(q)) throw new Error(`the question does not name seed and say what is discarded: ${q}`);
    await page.click('#keep-run');
    await sleep(1000);
    const kept = await statusOf(frame);
    await sleep(500);
    const fields = { seed: await page.inputValue('#seed'), until: await page.inputValue('#until'), model: await page.inputValue('#model'), forcing: await page.inputValue('#forcing') };
    if (kept.step !== 400 || /seed=5/.test(kept.hash)) throw new Error(`keep the run: step ${kept.step}, hash ${kept.hash}`);
    if (fields.seed !== '1' || fields.until !== '400' || fields.model !== 'clipped-shplrnn' || fields.forcing !== 'sparse') throw new Error(`after keeping the run the controls show ${JSON.stringify(fields)}, not the running run`);
    await page.screenshot({ path: path.join(OUT, 'runs-go-on.png') });
    return `“${msg.trim()}”; until 30 → 400 continued (lowest step after ${Math.min(...steps)}), lr and forcing changed at step ${after.step} while ${after.running ? 'running' : 'stopped'}, end ${end.step}; asked “${q}”`;
  } finally { await closePage(page); }
});

test('a loaded checkpoint is evaluated on load and fine-tuned by raising until', async () => {
  await requirePage('lab.html');
  const page = await newPage();
  try {
    await page.goto(`${URL0}__test/harness.html?hash=${encodeURIComponent('play=1&until=40&hidden=20&seq=30&batch=4')}`);
    const frame = await labFrame(page);
    await waitStatus(frame, (s) => s.step === 40 && !s.running, 120000, 'step 40');
    const from = (await messages(page)).length;
    await page.evaluate(() => window.send({ source: 'rnnlab', type: 'export', what: 'checkpoint', deliver: 'message' }));
    const file = await waitMessage(page, (m) => m.type === 'file', 30000, 'the exported checkpoint', from);
    if (!/^[A-Za-z0-9._-]+$/.test(file.name)) throw new Error(`the export's name is not shell-safe: ${file.name}`);
    await page.evaluate(() => window.send({ source: 'rnnlab', type: 'state', hash: 'play=0&until=8000' }));
    await waitStatus(frame, (s) => s.step === 0, 60000, 'a fresh run');
    await page.evaluate((b) => window.send({ source: 'rnnlab', type: 'load-checkpoint', name: 'c.safetensors', bytes: window.unb64(b) }), file.bytes);
    // evaluated on load, over the widget's next frames (docs/protocol.md)
    const loaded = await waitStatus(frame, (s) => s.step === 40 && s.evalStep !== null, 60000, 'the checkpoint at step 40, evaluated');
    if (loaded.evalStep !== 40 || !isNum(loaded.dstsp) || !isNum(loaded.dh)) throw new Error(`not evaluated on load: evalStep ${loaded.evalStep}, D_stsp ${loaded.dstsp}, D_H ${loaded.dh}`);
    const h = new URLSearchParams(loaded.hash);
    h.set('until', '70'); h.set('play', '1');
    await page.evaluate((hash) => window.send({ source: 'rnnlab', type: 'state', hash }), h.toString());
    const steps = [];
    const end = await waitStatus(frame, (s) => { steps.push(s.step); return s.step === 70 && !s.running; }, 120000, 'fine-tuning to step 70');
    if (Math.min(...steps) < 40) throw new Error(`fine-tuning restarted: steps ${steps.join(',')}`);
    return `${file.name}: D_stsp ${loaded.dstsp.toPrecision(3)}, D_H ${loaded.dh.toPrecision(3)} on load; 40 → ${end.step}`;
  } finally { await closePage(page); }
});

test('links and files: the menu follows what runs, a link over the own file says so and asks for it', async () => {
  await requirePage('index.html');
  let csv = 'x,y\n';
  for (let i = 0; i < 400; i++) csv += `${Math.sin(i / 5)},${Math.cos(i / 5)}\n`;
  const good = { name: 'circle.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) };
  const bad = { name: 'bad.npy', mimeType: 'application/octet-stream', buffer: Buffer.from('not numpy \x00\x01 at all', 'latin1') };
  const menu = (page) => page.$eval('#data', (el) => ({ value: el.value, text: el.options[el.selectedIndex].text }));
  let link, warn;
  const page = await newPage();
  try {
    await page.goto(URL0);
    const frame = await (await page.waitForSelector('iframe')).contentFrame();
    await waitStatus(frame, (s) => typeof s.hash === 'string', 60000, 'the lab');
    await page.waitForSelector('#data');
    // A rejected file leaves the menu on the running data (Lorenz-63).
    await page.setInputFiles('#file-data', bad);
    await poll(async () => /bad\.npy/.test(await page.locator('#message').innerText()), 20000, 'the error for bad.npy');
    await sleep(1000);
    let m = await menu(page);
    if (m.value !== 'lorenz63' || /bad/.test(m.text)) throw new Error(`after a rejected file the menu shows ${JSON.stringify(m)} while Lorenz-63 runs`);
    // An accepted file: the menu names it.
    await page.setInputFiles('#file-data', good);
    await waitStatus(frame, (s) => /^circle\.csv/.test(s.data), 30000, 'the run on circle.csv');
    await poll(async () => (await menu(page)).text === 'own: circle.csv', 10000, 'the menu naming circle.csv');
    // A second, rejected file: the menu stays on circle.csv.
    await page.setInputFiles('#file-data', bad);
    await poll(async () => /bad\.npy/.test(await page.locator('#message').innerText()), 20000, 'the second error for bad.npy');
    await sleep(1000);
    m = await menu(page);
    const st = await statusOf(frame);
    if (m.text !== 'own: circle.csv' || !/^circle\.csv/.test(st.data)) throw new Error(`after the second rejected file: menu ${JSON.stringify(m)}, running ${st.data}`);
    // The link says, before it is copied, that it does not carry the file.
    warn = await page.locator('#link-warning').innerText();
    if (!/does not carry circle\.csv/.test(warn)) throw new Error(`no warning that the link lacks the file: ${JSON.stringify(warn)}`);
    await page.click('#copy-link');
    link = await poll(async () => { const v = await page.inputValue('#link'); return v || null; }, 10000, 'the copied link');
    if (!/data=user/.test(link)) throw new Error(`link ${link}`);
  } finally { await closePage(page); }
  // Opened without the file: the page asks for it and nothing trains.
  const p2 = await newPage();
  try {
    await p2.goto(link);
    const frame = await (await p2.waitForSelector('iframe')).contentFrame();
    await waitStatus(frame, (s) => typeof s.hash === 'string', 60000, 'the lab');
    const msg = await poll(async () => { const t = await p2.locator('#message').innerText(); return /cannot carry/.test(t) ? t : null; }, 20000, 'the page asking for the file');
    await sleep(3000);
    const s = await statusOf(frame);
    if (s.running || s.step !== 0) throw new Error(`without the file the widget trains: ${JSON.stringify({ running: s.running, step: s.step, data: s.data })}`);
    await p2.setInputFiles('#file-data', good);
    await waitStatus(frame, (s) => /^circle\.csv/.test(s.data), 30000, 'the link\'s run on the dropped circle.csv');
    await poll(async () => !/cannot carry/.test(await p2.locator('#message').innerText()), 10000, 'the request for the file to clear');
    await p2.screenshot({ path: path.join(OUT, 'link-own-file.png') });
    return `warned “${warn}”; opened without it: “${msg.trim().slice(0, 80)}…”`;
  } finally { await closePage(p2); }
});

test('keyboard: Tab reaches and leaves the canvas, focus shows, keys play, step, reset, rotate and zoom', async () => {
  await requirePage('lab.html');
  const page = await newPage();
  try {
    await page.goto(`${URL0}__test/harness.html?hash=${encodeURIComponent('play=0&view=attractor&until=100000')}`);
    await page.evaluate(() => {
      const b = document.createElement('button'); b.id = 'before'; b.textContent = 'before'; document.body.prepend(b);
      const a = document.createElement('button'); a.id = 'after'; a.textContent = 'after'; document.body.append(a);
    });
    const frame = await labFrame(page);
    await waitMessage(page, (m) => m.type === 'ready', 60000, 'ready');
    const hashNum = (h, k) => Number(new URLSearchParams(h).get(k));
    await page.focus('#before');
    await page.keyboard.press('Tab');
    const onCanvas = () => frame.evaluate(() => document.activeElement && document.activeElement.tagName === 'CANVAS');
    await poll(onCanvas, 5000, 'Tab to focus the canvas');
    const outline = await frame.evaluate(() => { const c = document.querySelector('canvas'); const s = getComputedStyle(c); return `${s.outlineStyle} ${s.outlineWidth}`; });
    if (/^none/.test(outline)) throw new Error(`the focused canvas shows no focus (outline ${outline})`);
    await frame.locator('canvas').first().screenshot({ path: path.join(OUT, 'keyboard-focus.png') });
    // A key held as a person holds it (~150 ms), so a frame sees it down.
    const tap = async (k) => { await page.keyboard.down(k); await sleep(150); await page.keyboard.up(k); };
    const s0 = await statusOf(frame);
    await tap(' ');
    await waitStatus(frame, (s) => s.running, 10000, 'Space to play');
    await tap(' ');
    const p = await waitStatus(frame, (s) => !s.running, 10000, 'Space to pause');
    await tap('s');
    await waitStatus(frame, (s) => s.step === p.step + 1, 10000, `S to take one step from ${p.step}`);
    await tap('ArrowRight');
    await waitStatus(frame, (s) => Math.abs(hashNum(s.hash, 'yaw') - hashNum(s0.hash, 'yaw')) > 0.05, 10000, 'arrow keys to rotate');
    await tap('=');
    await waitStatus(frame, (s) => hashNum(s.hash, 'zoom') > hashNum(s0.hash, 'zoom') * 1.1, 10000, '+ to zoom in');
    await tap('r');
    await waitStatus(frame, (s) => s.step === 0, 10000, 'R to reset');
    await page.keyboard.press('Tab');
    await poll(async () => (await page.evaluate(() => document.activeElement && document.activeElement.id)) === 'after' ? true : null, 5000, 'Tab to leave the canvas for the next control');
    await page.focus('#after');
    await page.keyboard.press('Shift+Tab');
    await poll(onCanvas, 5000, 'Shift+Tab back onto the canvas');
    await page.keyboard.press('Shift+Tab');
    await poll(async () => (await page.evaluate(() => document.activeElement && document.activeElement.id)) === 'before' ? true : null, 5000, 'Shift+Tab to leave the canvas backwards');
    return `focus outline ${outline}; Space, S, R, arrows and + work; Tab and Shift+Tab leave`;
  } finally { await closePage(page); }
});

test('layout: the dashboard at phone, laptop and projector sizes and device pixel ratios 1, 2, 3', async () => {
  await requirePage('lab.html');
  const notes = [];
  for (const [w, h] of [[390, 844], [1280, 800], [1920, 1080]]) {
    for (const dpr of [1, 2, 3]) {
      const page = await newPage({ viewport: { width: w, height: h }, deviceScaleFactor: dpr });
      try {
        await page.goto(`${URL0}lab.html#play=0&view=dashboard`);
        await waitStatus(page, (s) => typeof s.hash === 'string', 60000, `${w}×${h}@${dpr}: the lab`);
        const lw = await poll(() => page.evaluate(() => window.rnnlab && window.rnnlab.layoutWidth), 20000, 'the layout width');
        const rs = await page.evaluate(() => window.rnnlabRenderScale);
        await sleep(500);
        const ink = await shot(page.locator('canvas').first(), `layout-${w}x${h}-dpr${dpr}`);
        if (Math.abs(lw - w) / w > 0.05) throw new Error(`${w}×${h} at ratio ${dpr} (render scale ${rs.toFixed(3)}): the widget lays out ${lw.toFixed(0)} units across ${w} CSS px`);
        if (!(ink > INK)) throw new Error(`${w}×${h}@${dpr}: blank canvas`);
        notes.push(`${w}×${h}@${dpr} ${lw.toFixed(0)}u rs ${rs.toFixed(2)}`);
      } finally { await closePage(page); }
    }
  }
  // docs.html on a phone: the code blocks scroll inside, the page does not widen.
  if (await httpStatus(URL0 + 'docs.html') === 200) {
    const page = await newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 3 });
    try {
      await page.goto(URL0 + 'docs.html');
      await page.waitForLoadState('load');
      const sw = await page.evaluate(() => document.documentElement.scrollWidth);
      await page.screenshot({ path: path.join(OUT, 'docs-phone.png') });
      if (sw > 392) throw new Error(`docs.html is ${sw} px wide on a 390 px phone`);
      notes.push(`docs.html ${sw} px wide at 390`);
    } finally { await closePage(page); }
  }
  return notes.join(', ');
});

test('a shared link reaches the same state in two fresh pages', async () => {
  await requirePage('lab.html');
  const hash = 'play=1&until=300&seed=7';
  const end = [];
  for (let i = 0; i < 2; i++) {
    const page = await newPage();
    try {
      await page.goto(`${URL0}lab.html#${hash}`);
      end.push(await waitStatus(page, (s) => s.step >= 300 && !s.running, 180000, `page ${i + 1}: step 300`));
    } finally { await closePage(page); }
  }
  const [a, b] = end;
  if (a.step !== 300 || b.step !== 300) throw new Error(`steps ${a.step} and ${b.step}, want 300`);
  if (!isNum(a.loss) || !Object.is(a.loss, b.loss)) throw new Error(`losses differ: ${a.loss} and ${b.loss}`);
  for (const k of ['dstsp', 'dh', 'pe', 'evalStep', 'params', 'hash']) {
    if (a.evalStep === b.evalStep && JSON.stringify(a[k]) !== JSON.stringify(b[k])) throw new Error(`${k} differs: ${a[k]} and ${b[k]}`);
  }
  return `loss ${a.loss} in both`;
});

test('touch: two fingers pinch-zoom the attractor, one finger rotates it', async () => {
  await requirePage('lab.html');
  const page = await newPage({ hasTouch: true });
  try {
    await page.goto(`${URL0}lab.html#view=attractor&zoom=1&yaw=0.6`);
    const canvas = page.locator('canvas').first();
    await canvas.waitFor({ timeout: 30000 });
    await waitStatus(page, (s) => typeof s.hash === 'string', 60000, 'the lab running');
    const box = await canvas.boundingBox();
    const cx = box.x + box.width * 0.45, cy = box.y + box.height * 0.5;
    const cdp = await page.context().newCDPSession(page);
    const touch = (type, pts) => cdp.send('Input.dispatchTouchEvent', { type, touchPoints: pts.map(([x, y], id) => ({ x, y, id })) });
    const hashNum = (h, k) => Number(new URLSearchParams(h).get(k));
    // Pinch: the fingers move from 40 to 160 px apart over 12 frames.
    await touch('touchStart', [[cx - 20, cy], [cx + 20, cy]]);
    for (let i = 1; i <= 12; i++) {
      await sleep(50);
      await touch('touchMove', [[cx - 20 - 5 * i, cy], [cx + 20 + 5 * i, cy]]);
    }
    await sleep(100);
    await touch('touchEnd', []);
    const z = await waitStatus(page, (s) => hashNum(s.hash, 'zoom') > 1.5, 15000, 'zoom > 1.5 after the pinch');
    const zoom = hashNum(z.hash, 'zoom'), yaw = hashNum(z.hash, 'yaw');
    if (Math.abs(yaw - 0.6) > 1e-9) throw new Error(`the pinch rotated the view: yaw ${yaw}, want 0.6`);
    // One finger drags to the right: the yaw changes, the zoom does not.
    await touch('touchStart', [[cx, cy]]);
    for (let i = 1; i <= 8; i++) {
      await sleep(50);
      await touch('touchMove', [[cx + 10 * i, cy]]);
    }
    await sleep(100);
    await touch('touchEnd', []);
    const r = await waitStatus(page, (s) => Math.abs(hashNum(s.hash, 'yaw') - 0.6) > 0.2, 15000, 'yaw changed by the drag');
    if (hashNum(r.hash, 'zoom') !== zoom) throw new Error(`the drag changed the zoom: ${hashNum(r.hash, 'zoom')}, was ${zoom}`);
    await shot(canvas, 'touch-pinch');
    if (page.errors.length) throw new Error('page errors: ' + page.errors.join(' | '));
    return `zoom 1 → ${zoom} (pinch 40 → 160 px), yaw 0.6 → ${hashNum(r.hash, 'yaw')} (drag 80 px)`;
  } finally { await closePage(page); }
});

test('home page: the shell shows controls and drives the lab', async () => {
  await requirePage('index.html');
  const page = await newPage();
  try {
    await page.goto(URL0);
    const iframe = page.locator('iframe').first();
    await iframe.waitFor({ timeout: 60000 });
    // The shell's controls, by their data-rnnlab names (site/shell).
    const model = page.locator('[data-rnnlab=model], select[name=model], #model').first();
    const seed = page.locator('[data-rnnlab=seed], input[name=seed], #seed').first();
    await model.waitFor({ timeout: 60000 });
    await seed.waitFor({ timeout: 10000 });
    const text = await page.locator('body').innerText();
    for (const w of ['step', 'loss']) if (!text.toLowerCase().includes(w)) throw new Error(`the shell does not show “${w}”`);
    if (!/D.?stsp/i.test(text) || !/D.?H/.test(text)) throw new Error('the shell does not show D_stsp and D_H');
    const hashOf = () => page.evaluate(() => { const f = document.querySelector('iframe'); try { return f.contentWindow.location.hash; } catch { return new URL(f.src, location.href).hash; } });
    const h0 = await hashOf();
    const other = (await model.evaluate((el) => el.tagName)) === 'SELECT' ? 'plrnn' : null;
    if (other) await model.selectOption(other);
    await poll(async () => /model=plrnn(&|$)/.test(await hashOf()), 15000, `the iframe hash to say model=plrnn (was ${h0})`);
    await seed.fill('42');
    await seed.press('Enter').catch(() => {});
    await seed.dispatchEvent('change');
    await poll(async () => /seed=42(&|$)/.test(await hashOf()), 15000, 'the iframe hash to say seed=42');
    // One set of controls, one loss plot, one step counter: the widget
    // draws neither its bar nor its loss panel under the page's.
    const frame = await (await page.waitForSelector('iframe')).contentFrame();
    const panels = await poll(() => frame.evaluate(() => window.rnnlab && window.rnnlab.panels), 30000, 'the widget\'s panels');
    if (/(^|,)(bar|loss)(,|$)/.test(panels)) throw new Error(`the widget draws its own ${panels} under the page's controls and plots`);
    const runButtons = await page.locator('button:visible', { hasText: /Start|Pause/ }).count();
    if (runButtons !== 1) throw new Error(`${runButtons} start/pause buttons, want one`);
    const label0 = (await page.locator('#play').innerText()).trim();
    const pressed0 = await page.getAttribute('#play', 'aria-pressed');
    if (!/Start/.test(label0) || pressed0 !== 'false') throw new Error(`paused, the run button says ${label0} (aria-pressed ${pressed0})`);
    await page.click('#play');
    await poll(async () => /Pause/.test(await page.locator('#play').innerText()), 30000, 'the run button to say Pause while running');
    await page.click('#play');
    await poll(async () => /Start/.test(await page.locator('#play').innerText()), 30000, 'the run button to say Start once paused');
    await page.screenshot({ path: path.join(OUT, 'home.png') });
    return `hash ${await hashOf()}; widget panels ${panels}`;
  } finally { await closePage(page); }
});

test('lesson page: at least three live widgets draw', async () => {
  await requirePage('lesson.html');
  const page = await newPage();
  try {
    const wasmFetches = [];
    page.on('request', (r) => { if (r.url().endsWith('/lab.wasm')) wasmFetches.push(r.frame() === page.mainFrame() ? 'page' : 'widget'); });
    await page.goto(URL0 + 'lesson.html');
    const frames = page.locator('iframe');
    await frames.first().waitFor({ timeout: 30000 });
    const n = await frames.count();
    if (n < 3) throw new Error(`${n} widgets, want ≥ 3`);
    const notes = [];
    for (let i = 0; i < n; i++) {
      const el = await frames.nth(i).elementHandle();
      await el.scrollIntoViewIfNeeded();
      const frame = await el.contentFrame();
      const st = await waitStatus(frame, (s) => s.step >= 30, 120000, `widget ${i + 1}: 30 steps`);
      let ink = 0;
      await poll(async () => (ink = await shot(frames.nth(i), `lesson-${i + 1}-${st.view}`)) > INK, 30000, `widget ${i + 1} (${st.view}) drawn`, 1000)
        .catch((e) => { throw new Error(`${e.message} (ink ${(100 * ink).toFixed(2)}%)`); });
      notes.push(`${st.view} ${(100 * ink).toFixed(0)}%`);
    }
    // The page compiles lab.wasm once (window.rnnlabModules) for all its widgets.
    if (wasmFetches.length !== 1) throw new Error(`lab.wasm fetched ${wasmFetches.length} times (${wasmFetches.join(', ')}), want once: the widgets do not share the page's module`);
    await page.screenshot({ path: path.join(OUT, 'lesson.png'), fullPage: true });
    if (page.errors.length) throw new Error('page errors: ' + page.errors.join(' | '));
    return notes.join(', ');
  } finally { await closePage(page); }
});

await import('./runpage.mjs').then((m) => m.register({ BIN, test, requirePage, newPage, closePage, statusOf, waitStatus, shot, labFrame, messages, waitMessage, isNum, INK, OUT, URL: () => URL0 }));

// perf: first-visit brotli bytes and time to the first frame, per page.
for (const name of ['lab.html', 'index.html', 'lesson.html', 'docs.html', 'run.html']) {
  test(`perf: first visit of ${name}`, async () => {
    await requirePage(name);
    const page = await newPage();
    try {
      const urls = new Set(), wire = {}, missing = [];
      page.on('response', (r) => { if (r.status() >= 400) missing.push(`${r.url()} HTTP ${r.status()}`); });
      page.on('response', (r) => {
        const u = r.url().split('#')[0];
        if (u.startsWith(URL0) && !u.includes('/__test/')) { urls.add(u); wire[u] = r.headers()['content-encoding'] || 'identity'; }
      });
      const t0 = Date.now();
      await page.goto(URL0 + name + (name === 'lab.html' ? '#play=1&until=200' : ''));
      // Time to the first drawn frame: the lab's window.rnnlab.firstFrame
      // (performance.now() at its first Draw) in the page or its first
      // widget, or, where the lab does not set it, the first WebGL draw call.
      let firstFrame = null;
      if (name !== 'docs.html') {
        const topOrigin = await page.evaluate(() => performance.timeOrigin);
        firstFrame = await poll(async () => {
          for (const f of page.frames()) {
            const v = await f.evaluate(() => {
              if (window.rnnlab && typeof window.rnnlab.firstFrame === 'number') return { t: window.rnnlab.firstFrame + performance.timeOrigin, how: 'window.rnnlab.firstFrame' };
              if (typeof self.__firstDraw === 'number') return { t: self.__firstDraw + performance.timeOrigin, how: 'first WebGL draw call (window.rnnlab.firstFrame missing)' };
              return null;
            }).catch(() => null);
            if (v) return { ms: Math.round(v.t - topOrigin), how: v.how };
          }
          return null;
        }, 90000, 'a first frame', 100).catch(() => null);
      }
      await page.waitForLoadState('networkidle', { timeout: 60000 }).catch(() => {});
      let total = 0;
      const files = {};
      for (const u of [...urls].sort()) {
        const b = await brotliBytes(u);
        files[u.slice(URL0.length) || '/'] = { br: b.bytes, served: b.encoding, chromium: wire[u] };
        total += b.bytes;
      }
      if (missing.length) throw new Error(`${name} asks for files the site lacks: ${missing.join(', ')}`);
      const ff = firstFrame ? firstFrame.ms : null;
      perf.pages[name] = { brotliBytes: total, files, firstFrameMs: ff, firstFrameFrom: firstFrame?.how ?? null, wallMs: Date.now() - t0 };
      return `${(total / 1024).toFixed(0)} KiB brotli in ${urls.size} files, first frame ${ff === null ? 'n/a' : ff + ' ms'}`;
    } finally { await closePage(page); }
  });
}

// ---- runner ----

async function main() {
  const given = opt('url', '');
  if (given) URL0 = given.endsWith('/') ? given : given + '/';
  else {
    if (!fs.existsSync(BIN)) throw new Error(`${BIN} is missing: run make build first`);
    server = await startServer(BIN, DIR ? ['--dir', DIR] : []);
    URL0 = server.url;
  }
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--enable-unsafe-swiftshader', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  perf.chromium = browser.version();
  console.log(`site ${URL0}  chromium ${perf.chromium}`);
  let passed = 0, failed = 0, skipped = 0;
  for (const t of tests) {
    if (ONLY && !ONLY.some((o) => t.name.includes(o))) continue;
    const t0 = Date.now();
    try {
      const note = await t.fn();
      passed++;
      console.log(`PASS ${t.name} (${((Date.now() - t0) / 1000).toFixed(1)} s)${note ? ': ' + note : ''}`);
    } catch (e) {
      if (e instanceof Skip) {
        skipped++;
        console.log(`SKIP ${t.name}: ${e.message}`);
        if (STRICT) failed++;
      } else {
        failed++;
        console.log(`FAIL ${t.name} (${((Date.now() - t0) / 1000).toFixed(1)} s): ${e.message}`);
      }
    }
  }
  fs.writeFileSync(path.join(OUT, 'perf.json'), JSON.stringify(perf, null, 2) + '\n');
  await browser.close();
  if (server) await server.stop();
  if (skipped) console.log(`${skipped} skipped${STRICT ? ' (counted as failed: --strict)' : ''}`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch(async (e) => {
  console.log(`FAIL setup: ${e.message}`);
  if (browser) await browser.close().catch(() => {});
  if (server) await server.stop();
  console.log('0 passed, 1 failed');
  process.exit(1);
});
