// Browser tests of the run page (run.html, run.wasm: any kind of run of
// the registry), loaded by run.mjs; `--only "run page"` runs them alone.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { sleep, poll, run } from './lib.mjs';

// A series run sized for a browser test, as a hash and as the run file
// `rnnlab train --config` reads.
const SMALL = 'kind=series&data.steps=3000&model.hidden=10&train.steps=6&train.seq_len=20&train.batch=4&train.eval_every=3&eval.max_steps=400';
const SMALL_FILE = { data: { steps: 3000 }, model: { hidden: 10 }, train: { steps: 6, seq_len: 20, batch: 4, eval_every: 3 }, eval: { max_steps: 400 } };
const LIVE = 'kind=series&data.steps=5000&model.hidden=20&train.steps=400&train.seq_len=30&train.batch=8&train.eval_every=100&eval.max_steps=1000';

export function register(h) {
  const { BIN, test, requirePage, newPage, closePage, statusOf, waitStatus, shot, labFrame, messages, waitMessage, isNum, INK, OUT } = h;
  const URL0 = () => h.URL();
  const noErrors = (page, what) => {
    const errs = page.errors.filter((e) => !/favicon/.test(e));
    if (errs.length) throw new Error(`${what}: page errors: ${errs.join(' | ')}`);
  };

  test('run page: a kind starts, advances and draws its figures; the controls come from its flags', async () => {
    await requirePage('run.html');
    const page = await newPage();
    try {
      await page.goto(`${URL0()}run.html#${LIVE}&play=1`);
      const canvas = page.locator('canvas').first();
      await canvas.waitFor({ timeout: 30000 });
      const a = await waitStatus(page, (s) => s.step > 0 && s.running, 90000, 'a first unit');
      const b = await waitStatus(page, (s) => s.step > a.step + 20 && s.evalStep !== null, 120000, `progress past ${a.step} and an evaluation`);
      if (!(b.unitsPerSec > 0) || !isNum(b.trainUnitsPerSec)) throw new Error(`rates ${b.unitsPerSec}, ${b.trainUnitsPerSec}`);
      for (const k of ['kind', 'step', 'total', 'unit', 'values', 'running', 'unitsPerSec', 'hash', 'figures', 'metrics']) if (!(k in b)) throw new Error(`status lacks ${k}: ${JSON.stringify(b)}`);
      if (b.kind !== 'series' || b.total !== 400 || b.unit !== 'step') throw new Error(`status ${JSON.stringify(b)}`);
      const panels = await poll(() => page.evaluate(() => window.rnnlab && window.rnnlab.panels), 20000, 'the drawn figures');
      for (const f of ['loss', 'live']) if (!panels.split(',').includes(f)) throw new Error(`figures drawn: ${panels}, want ${f} among them`);
      await sleep(500);
      let ink = 0;
      await poll(async () => (ink = await shot(canvas, 'run-page-canvas')) > INK, 30000, 'a drawn canvas', 1000)
        .catch((e) => { throw new Error(`${e.message} (ink ${(100 * ink).toFixed(2)}%)`); });
      // the controls: one option per kind, one input per flag of the running kind
      const kinds = await page.evaluate(() => window.rnnlab.kinds.map((k) => ({ name: k.name, flags: k.flags.map((f) => f.name) })));
      const options = await page.$$eval('#kind option', (os) => os.map((o) => o.value));
      if (options.join() !== kinds.map((k) => k.name).join()) throw new Error(`kind menu ${options}, kinds ${kinds.map((k) => k.name)}`);
      const inputs = await page.$$eval('#flags input', (is) => is.map((i) => i.dataset.flag));
      const want = kinds.find((k) => k.name === 'series').flags;
      if (inputs.join() !== want.join()) throw new Error(`flag inputs ${inputs}, want ${want}`);
      const extra = await page.inputValue('#extra');
      if (!/train\.steps=400/.test(extra)) throw new Error(`the other-settings field shows ${extra}`);
      await page.screenshot({ path: path.join(OUT, 'run-page.png') });
      noErrors(page, 'run page');
      return `${kinds.length} kinds (${kinds.map((k) => k.name + (k.flags.length ? `: ${k.flags.length} flags` : '')).join(', ')}); step ${a.step} → ${b.step}, ${b.unitsPerSec} steps/s; figures ${panels}; ink ${(100 * ink).toFixed(1)}%`;
    } finally { await closePage(page); }
  });

  test('run page: every kind starts from its browser settings and draws', async () => {
    await requirePage('run.html');
    const page = await newPage();
    const notes = [];
    try {
      await page.goto(`${URL0()}run.html#${LIVE}&play=0`);
      await waitStatus(page, (s) => s.kind === 'series', 60000, 'the page');
      const kinds = await page.evaluate(() => window.rnnlab.kinds.map((k) => k.name));
      for (const k of kinds) {
        if (k === 'series') continue; // the test above; its defaults take minutes
        const from = await page.evaluate(() => (window.rnnlab.errors || []).length);
        await page.selectOption('#kind', k);
        const s = await waitStatus(page, (x) => x.kind === k && x.evalStep !== null, 120000, `the ${k} run, evaluated at its start`);
        // one unit at the kind's browser settings (by message: a unit of some kinds
        // takes seconds, and the page waits for it)
        const t1 = Date.now();
        await page.evaluate(() => window.postMessage({ source: 'rnnlab', type: 'command', cmd: 'step' }, location.origin));
        const t = await waitStatus(page, (x) => x.kind === k && x.step > s.step, 240000, `${k}: one unit`);
        const errs = (await page.evaluate(() => window.rnnlab.errors || [])).slice(from);
        if (errs.length) throw new Error(`${k}: ${errs.join(' | ')}`);
        await sleep(800);
        const ink = await shot(page.locator('canvas').first(), `run-kind-${k}`);
        if (!(ink > INK)) throw new Error(`${k}: blank canvas (ink ${(100 * ink).toFixed(2)}%)`);
        notes.push(`${k}: a ${t.unit} in ${t.unitMs} ms (${((Date.now() - t1) / 1000).toFixed(1)} s), evaluation ${s.evalMs} ms, figures ${t.figures.join(',')}`);
      }
      noErrors(page, 'kinds');
      return notes.join('; ') || 'only the series kind is registered';
    } finally { await closePage(page); }
  });

  test('run page: #view embeds one figure alone', async () => {
    await requirePage('run.html');
    const page = await newPage({ viewport: { width: 640, height: 400 } });
    try {
      await page.goto(`${URL0()}run.html#${LIVE}&view=loss&play=1`);
      await waitStatus(page, (s) => s.evalStep > 0, 120000, 'an evaluation after step 0');
      const panels = await poll(() => page.evaluate(() => window.rnnlab.panels), 20000, 'the drawn figure');
      if (panels !== 'loss') throw new Error(`#view=loss draws ${panels}`);
      if (await page.locator('#controls').isVisible()) throw new Error('the widget shows the page controls');
      const box = await page.locator('canvas').first().boundingBox();
      if (box.y !== 0 || box.width !== 640 || box.height !== 400) throw new Error(`the widget's canvas is at ${JSON.stringify(box)}, want the whole 640×400 frame`);
      await sleep(500);
      const ink = await shot(page.locator('canvas').first(), 'run-widget-loss');
      if (!(ink > INK)) throw new Error(`blank widget (ink ${(100 * ink).toFixed(2)}%)`);
      // a figure the run does not have says which it has
      await page.evaluate(() => { location.hash = location.hash.replace('view=loss', 'view=nope'); });
      const err = await poll(() => page.evaluate(() => (window.rnnlab.errors || []).find((e) => /no figure "nope"/.test(e))), 20000, 'the error for view=nope');
      noErrors(page, 'widget');
      return `ink ${(100 * ink).toFixed(1)}%; “${err}”`;
    } finally { await closePage(page); }
  });

  test('run page: the URL state round-trips and the controls write it', async () => {
    await requirePage('run.html');
    const page = await newPage();
    try {
      // keys out of the canonical order: the page writes them back in it,
      // after the series kind's browser settings the link leaves out
      // (run.Kind.Browser: train.batch, train.eval_every)
      await page.goto(`${URL0()}run.html#play=0&train.steps=300&kind=series&every=50&data.steps=5000&model.hidden=20&train.seq_len=30&eval.max_steps=1000`);
      const s = await waitStatus(page, (s) => s.total === 300, 60000, 'the run of the link');
      const canon = 'kind=series&train.batch=8&train.eval_every=500&train.steps=300&data.steps=5000&model.hidden=20&train.seq_len=30&eval.max_steps=1000&every=50&play=0';
      if (s.hash !== canon) throw new Error(`status.hash ${s.hash}, want ${canon}`);
      await poll(async () => (await page.evaluate(() => location.hash)) === '#' + canon, 10000, 'the page hash');
      // a fresh page on the written hash reaches the same state
      const page2 = await newPage();
      try {
        await page2.goto(`${URL0()}run.html#${canon}`);
        const s2 = await waitStatus(page2, (x) => x.total === 300, 60000, 'the second page');
        if (s2.hash !== canon) throw new Error(`the second page's hash ${s2.hash}`);
      } finally { await closePage(page2); }
      // the other-settings field and every write the hash
      await page.fill('#extra', 'train.steps=120&data.steps=5000&model.hidden=20&train.seq_len=30&eval.max_steps=1000');
      await page.locator('#extra').dispatchEvent('change');
      const t = await waitStatus(page, (x) => x.total === 120, 30000, 'train.steps=120 from the controls');
      await page.fill('#every', '40');
      await page.locator('#every').dispatchEvent('change');
      await waitStatus(page, (x) => /every=40/.test(x.hash) && x.total === 120, 30000, 'every=40 without a new run');
      // a bad setting is an error naming it, and the run goes on
      await page.fill('#extra', 'train.stepz=5');
      await page.locator('#extra').dispatchEvent('change');
      const err = await poll(() => page.evaluate(() => (window.rnnlab.errors || []).find((e) => /stepz/.test(e))), 20000, 'the error for train.stepz');
      const after = await statusOf(page);
      if (after.total !== 120) throw new Error(`a bad setting replaced the run: ${JSON.stringify(after)}`);
      // the hash and the controls go back to the running run
      await poll(async () => (await page.evaluate(() => location.hash)) === '#' + after.hash, 10000, `the page hash back at ${after.hash}`);
      await poll(async () => /train\.steps=120/.test(await page.inputValue('#extra')), 10000, 'the other-settings field back at the running run');
      noErrors(page, 'url state');
      return `${canon}; controls → ${t.hash}; “${err}”`;
    } finally { await closePage(page); }
  });

  test('run page: postMessage status, commands, export and resume; the checkpoint is rnnlab train\'s byte for byte', async () => {
    await requirePage('run.html');
    const page = await newPage();
    try {
      await page.goto(`${URL0()}__test/harness.html?page=run.html&hash=${encodeURIComponent(SMALL + '&play=0')}`);
      const frame = await labFrame(page);
      const ready = await waitMessage(page, (m) => m.type === 'ready', 60000, 'ready');
      await waitMessage(page, (m) => m.type === 'status' && m.evalStep === 0, 30000, 'the status of the evaluation at step 0');
      const send = (msg) => page.evaluate((m) => window.send({ source: 'rnnlab', ...m }), msg);
      let from = (await messages(page)).length;
      await send({ type: 'command', cmd: 'step' });
      await waitMessage(page, (m) => m.type === 'status' && m.step === 1 && !m.running, 30000, 'step 1', from);
      await send({ type: 'command', cmd: 'play' });
      const done = await waitMessage(page, (m) => m.type === 'status' && m.step === 6 && m.done && !m.running && m.evalStep === 6, 120000, 'the run complete at step 6', from);
      const rep = await waitMessage(page, (m) => m.type === 'report' && m.step === 6, 30000, 'the report at step 6', from);
      if (!rep.metrics || !('d_stsp' in rep.metrics) || !rep.figures.includes('loss')) throw new Error(`report ${JSON.stringify(rep).slice(0, 400)}`);
      // the exported checkpoint is the one natively computed (wasm/runs testdata)
      from = (await messages(page)).length;
      await send({ type: 'export', what: 'checkpoint', deliver: 'message' });
      const file = await waitMessage(page, (m) => m.type === 'file', 30000, 'the exported checkpoint', from);
      const bytes = Buffer.from(file.bytes, 'base64');
      const sum = crypto.createHash('sha256').update(bytes).digest('hex');
      // the native command on the same settings writes the same bytes
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rnnlab-runpage-'));
      let native;
      try {
        fs.writeFileSync(path.join(dir, 'run.json'), JSON.stringify(SMALL_FILE));
        await run(BIN, ['train', '--config', path.join(dir, 'run.json'), '--out', path.join(dir, 'out'), '--quiet']);
        native = fs.readFileSync(path.join(dir, 'out', 'checkpoint.safetensors'));
      } finally { fs.rmSync(dir, { recursive: true, force: true }); }
      const nsum = crypto.createHash('sha256').update(native).digest('hex');
      if (!bytes.equals(native)) throw new Error(`the page's checkpoint after 6 steps (${bytes.length} bytes, SHA-256 ${sum}) differs from rnnlab train's (${native.length} bytes, ${nsum})`);
      if (!/^rnnlab-series-step6\.safetensors$/.test(file.name)) throw new Error(`export name ${file.name}`);
      // reset, then resume from the export: step 6 again
      await send({ type: 'command', cmd: 'reset' });
      await waitStatus(frame, (s) => s.step === 0, 30000, 'the reset');
      await page.evaluate((b) => window.send({ source: 'rnnlab', type: 'load-checkpoint', name: 'c.safetensors', bytes: window.unb64(b) }), file.bytes);
      await waitStatus(frame, (s) => s.step === 6, 30000, 'the resumed checkpoint at step 6');
      // the report as JSON, and a run file by message
      from = (await messages(page)).length;
      await send({ type: 'export', what: 'report', deliver: 'message' });
      const rf = await waitMessage(page, (m) => m.type === 'file', 30000, 'the exported report', from);
      const report = JSON.parse(Buffer.from(rf.bytes, 'base64').toString('utf8'));
      if (report.Kind !== 'series' || !Array.isArray(report.Figures) || !Array.isArray(report.Metrics)) throw new Error(`report file ${rf.name}: ${JSON.stringify(report).slice(0, 300)}`);
      const cfg = Buffer.from(JSON.stringify({ ...SMALL_FILE, train: { ...SMALL_FILE.train, steps: 4 } })).toString('base64');
      await page.evaluate((b) => window.send({ source: 'rnnlab', type: 'load-config', name: 'four.json', bytes: window.unb64(b) }), cfg);
      const four = await waitStatus(frame, (s) => s.total === 4 && s.step === 0 && s.file === 'four.json', 30000, 'the run of four.json');
      if (!/train\.steps=4/.test(four.hash) || !/data\.steps=3000/.test(four.hash)) throw new Error(`the hash of four.json does not carry its settings: ${four.hash}`);
      await page.evaluate((b) => window.send({ source: 'rnnlab', type: 'load-checkpoint', name: 'c.safetensors', bytes: window.unb64(b) }), file.bytes);
      await waitStatus(frame, (s) => s.step === 6, 30000, 'the checkpoint again');
      // bad messages answer errors and the widget goes on
      const notes = [];
      for (const msg of [{ type: 'command', cmd: 'jump' }, { type: 'state', hash: 'kind=nokind' }, { type: 'load-checkpoint', name: 'bad.safetensors', bytes: 'x' }, { type: 'export', what: 'nonsense', deliver: 'message' }]) {
        from = (await messages(page)).length;
        await send(msg);
        const m = await waitMessage(page, (m) => m.type === 'error', 20000, `an error for ${JSON.stringify(msg)}`, from);
        notes.push(`“${m.message}”`);
      }
      const bad = Buffer.from('not a checkpoint at all').toString('base64');
      from = (await messages(page)).length;
      await page.evaluate((b) => window.send({ source: 'rnnlab', type: 'load-checkpoint', name: 'bad.safetensors', bytes: window.unb64(b) }), bad);
      const m = await waitMessage(page, (m) => m.type === 'error', 20000, 'an error for a bad checkpoint', from);
      if (!/bad\.safetensors/.test(m.message)) throw new Error(`the error does not name the file: ${m.message}`);
      const still = await statusOf(frame);
      if (still.step !== 6) throw new Error(`after bad messages the run is at ${still.step}`);
      await shot(page.locator('#w'), 'run-harness');
      return `ready ${JSON.stringify({ view: ready.view, hash: ready.hash })}; done at ${done.step}; ${rf.name}; four.json → ${four.hash}; checkpoint ${sum.slice(0, 12)}… = rnnlab train's; ${notes.join('; ')}; “${m.message}”`;
    } finally { await closePage(page); }
  });

  // The widgets of issues 14 and 15; their native numbers are
  // wasm/runs/testdata/widgets.json (TestWidgetGolden writes and checks it,
  // natively and under js/wasm).
  const WIDGETS = JSON.parse(fs.readFileSync(new URL('../../wasm/runs/testdata/widgets.json', import.meta.url), 'utf8'));
  const hashOf = (h) => h.split('&').map((kv) => { const i = kv.indexOf('='); return kv.slice(0, i) + '=' + encodeURIComponent(kv.slice(i + 1)); }).join('&');
  const stepN = async (page, n, unitOf) => {
    for (let i = 0; i < n; i++) {
      const s0 = (await statusOf(page)).step;
      await page.evaluate(() => window.postMessage({ source: 'rnnlab', type: 'command', cmd: 'step' }, location.origin));
      await waitStatus(page, (s) => s.step === s0 + 1 && s.evalStep === s0 + 1, 60000, `${unitOf} ${s0 + 1}`);
    }
  };
  // frame times from requestAnimationFrame over ms milliseconds
  const frameTimes = (page, ms) => page.evaluate((ms) => new Promise((res) => {
    const d = []; let last = performance.now(); const t0 = last;
    const f = (t) => { d.push(t - last); last = t; if (t - t0 < ms) requestAnimationFrame(f); else { d.sort((a, b) => a - b); res({ n: d.length, median: d[d.length >> 1], p95: d[Math.floor(d.length * 0.95)], max: d[d.length - 1] }); } };
    requestAnimationFrame(f);
  }), ms);

  test('run page: the probe widget reads a typed key-recall string, frame by frame, with the native numbers', async () => {
    await requirePage('run.html');
    const page = await newPage({ viewport: { width: 1100, height: 720 } });
    try {
      await page.goto(`${URL0()}run.html#${hashOf(WIDGETS.probeHash)}`);
      await waitStatus(page, (s) => s.kind === 'plastic' && s.probe && s.probe.frames && s.probe.frames.length === 8, 90000, 'the probe at unit 0');
      if (!(await page.locator('#probe-bar').isVisible())) throw new Error('the probe bar is hidden');
      await stepN(page, WIDGETS.probeUnits, 'batch');
      const s = await waitStatus(page, (s) => s.step === WIDGETS.probeUnits && s.probe.version > 0, 30000, 'the probe after the evaluation');
      WIDGETS.frames.forEach((f, i) => {
        const g = s.probe.frames[i];
        if (g.predicted !== f.predicted || g.prob !== f.prob || g.targetProb !== f.targetProb || g.score !== f.score)
          throw new Error(`frame ${i + 1}: page ${JSON.stringify(g)}, native ${JSON.stringify(f)}`);
      });
      // the character slider, by keyboard
      await page.focus('#probe-frame');
      await page.keyboard.press('Home');
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowRight');
      await waitStatus(page, (x) => x.probe.frame === 3 && /frame=3/.test(x.hash), 10000, 'frame 3 from the slider');
      const panels = await poll(() => page.evaluate(() => (window.rnnlab.panels || '').includes('probe-fast-weights') && window.rnnlab.panels), 20000, 'the probe figures drawn');
      await sleep(600);
      await page.screenshot({ path: path.join(OUT, 'run-probe-frame3.png') });
      const text3 = await page.textContent('#probe-msg');
      // the recall frame
      await page.keyboard.press('End');
      await waitStatus(page, (x) => x.probe.frame === 8, 10000, 'the last frame');
      await page.fill('#probe-frame', '7');
      await page.locator('#probe-frame').dispatchEvent('input');
      await waitStatus(page, (x) => x.probe.frame === 7, 10000, 'frame 7, the recall');
      await sleep(600);
      await page.screenshot({ path: path.join(OUT, 'run-probe-recall.png') });
      const mark = await page.evaluate(() => Array.from(document.querySelectorAll('#probe-text span')).map((e) => e.className).join('|'));
      if (!/right|wrong/.test(mark)) throw new Error(`no right/wrong mark on the recall: ${mark}`);
      const text7 = await page.textContent('#probe-msg');
      // a typed string outside the charset: a clear message, the run goes on
      await page.fill('#probe-input', '00?x 0!x');
      await page.press('#probe-input', 'Enter');
      await poll(async () => /'x'.*not in the charset/.test(await page.textContent('#probe-msg')) && (await page.getAttribute('#probe-msg', 'class')) === 'error', 10000, 'the charset error');
      const bad = await page.textContent('#probe-msg');
      // pick one, then a typed one
      await page.click('#probe-pick');
      const picked = await waitStatus(page, (x) => x.probe && /\?.*!/.test(x.probe.input) && !x.probe.error && x.probe.frames, 10000, 'a picked string');
      await page.fill('#probe-input', '0?. 00!.');
      await page.press('#probe-input', 'Enter');
      await waitStatus(page, (x) => x.probe.input === '0?. 00!.' && x.probe.frames && x.probe.frames.length === 8, 10000, 'the typed string');
      // animation steps through the characters
      await page.click('#probe-anim');
      const seen = new Set();
      const t0 = Date.now();
      while (Date.now() - t0 < 4000) { seen.add((await statusOf(page)).probe.frame); await sleep(150); }
      await page.click('#probe-anim');
      if (seen.size < 4) throw new Error(`the animation showed frames ${[...seen]}`);
      // the page trains the 128-unit network and the probe follows it; memory
      await page.click('#play');
      await waitStatus(page, (x) => x.step > WIDGETS.probeUnits + 20, 120000, 'training with the probe');
      await page.click('#play');
      const st = await waitStatus(page, (x) => !x.running && x.memSysMB > 0, 20000, 'the memory in the status');
      if (!(st.memSysMB > 0 && st.memSysMB < 256)) throw new Error(`the page holds ${st.memSysMB} MB of WebAssembly memory (want < 256)`);
      noErrors(page, 'probe');
      return `native numbers at batch ${WIDGETS.probeUnits} (8 frames, prob exact); panels ${panels}; “${text3}”; recall “${text7}”; marks ${mark}; bad “${bad}”; picked ${JSON.stringify(picked.probe.input)}; animation frames ${[...seen].sort().join(',')}; memory ${st.memSysMB} MB taken, ${st.heapMB} MB heap in use`;
    } finally { await closePage(page); }
  });

  test('run page: the probe widget embeds (view=probe-fast-weights)', async () => {
    await requirePage('run.html');
    const page = await newPage({ viewport: { width: 700, height: 520 } });
    try {
      await page.goto(`${URL0()}run.html#${hashOf(WIDGETS.probeHash.replace('play=0', 'frame=4&view=probe-fast-weights&play=0'))}`);
      await waitStatus(page, (s) => s.probe && s.probe.frame === 4, 90000, 'the embedded probe');
      const panels = await poll(() => page.evaluate(() => window.rnnlab.panels), 20000, 'the drawn figure');
      if (panels !== 'probe-fast-weights') throw new Error(`the widget draws ${panels}`);
      if (await page.locator('#controls').isVisible()) throw new Error('the widget shows the page controls');
      if (!(await page.locator('#probe-bar').isVisible())) throw new Error('the probe widget hides its probe bar');
      await sleep(800);
      const ink = await shot(page.locator('canvas').first(), 'run-probe-widget');
      if (!(ink > INK)) throw new Error(`blank widget (ink ${(100 * ink).toFixed(2)}%)`);
      await page.screenshot({ path: path.join(OUT, 'run-probe-widget-page.png') });
      noErrors(page, 'probe widget');
      return `ink ${(100 * ink).toFixed(1)}%`;
    } finally { await closePage(page); }
  });

  test('run page: the live spiking widget: native spikes, real-time scrolling, g/drive/p/N tuned live', async () => {
    await requirePage('run.html');
    const page = await newPage({ viewport: { width: 1100, height: 720 } });
    try {
      await page.goto(`${URL0()}run.html#${WIDGETS.spikingHash}`);
      await waitStatus(page, (s) => s.kind === 'spiking' && s.evalStep === 0, 60000, 'the spiking run');
      await stepN(page, WIDGETS.spikeUnits, 'block');
      const rep = await poll(() => page.evaluate((u) => { const r = window.rnnlab.report; return r && r.Step === u && r; }, WIDGETS.spikeUnits), 10000, 'the report');
      const ra = rep.Figures.find((f) => f.Name === 'raster').Raster;
      let sum = 0;
      ra.Index.forEach((i, k) => { sum += (k + 1) * (i + 1) + Math.round(10 * ra.Time[k]); });
      if (ra.Index.length !== WIDGETS.spikes || sum !== WIDGETS.spikeSum) throw new Error(`the page's ${ra.Index.length} spikes (checksum ${sum}) are not the native ${WIDGETS.spikes} (${WIDGETS.spikeSum})`);
      // and the native command on the same settings counts the same spikes
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rnnlab-spiking-'));
      let nativeSpikes;
      try {
        await run(BIN, ['spiking', '--n', '2000', '--duration-ms', String(10 * WIDGETS.spikeUnits), '--out', path.join(dir, 'out'), '--quiet']);
        const res = JSON.parse(fs.readFileSync(path.join(dir, 'out', 'results.json'), 'utf8'));
        nativeSpikes = res.metrics.find((m) => m.name === 'spikes').value;
      } finally { fs.rmSync(dir, { recursive: true, force: true }); }
      const pageSpikes = rep.Metrics.find((m) => m.Name === 'spikes').Value;
      if (pageSpikes !== nativeSpikes) throw new Error(`the page counts ${pageSpikes} spikes in ${10 * WIDGETS.spikeUnits} ms, rnnlab spiking ${nativeSpikes}`);
      // live: simulated ms per wall ms, and frame times, at N = 2000 (and others)
      const measure = async (label) => {
        if (/every=1/.test(await page.evaluate(() => location.hash))) { // the page's default: evaluations about once a second
          await page.evaluate(() => { location.hash = location.hash.replace('every=1&', ''); });
          await waitStatus(page, (s) => !/every=/.test(s.hash), 10000, 'every=auto');
        }
        await page.evaluate(() => window.postMessage({ source: 'rnnlab', type: 'command', cmd: 'play' }, location.origin));
        await waitStatus(page, (s) => s.running, 10000, 'play');
        await sleep(1500);
        const a = await statusOf(page); const ta = Date.now();
        const ft = await frameTimes(page, 4000);
        const b = await statusOf(page); const tb = Date.now();
        await page.evaluate(() => window.postMessage({ source: 'rnnlab', type: 'command', cmd: 'pause' }, location.origin));
        await waitStatus(page, (s) => !s.running, 10000, 'pause');
        const rate = (b.values.t_ms - a.values.t_ms) / (tb - ta);
        return { label, simMsPerWallMs: +rate.toFixed(2), frames: ft, fps: b.fps, frameMs: b.frameMs, trainMs: b.trainMs, drawMs: b.drawMs, rateE: b.values.rate_e };
      };
      const m2000 = await measure('N=2000');
      await sleep(300);
      await page.screenshot({ path: path.join(OUT, 'run-spiking.png') });
      const ink = await shot(page.locator('canvas').first(), 'run-spiking-canvas');
      if (!(ink > INK)) throw new Error(`blank canvas (ink ${(100 * ink).toFixed(2)}%)`);
      // g, then drive, tuned from their inputs: the run goes on (no reset), the link carries the value
      const tune = async (flag, value, want) => {
        const s0 = await statusOf(page);
        await page.fill(`#flag-${flag}`, value);
        await page.locator(`#flag-${flag}`).dispatchEvent('change');
        const s = await waitStatus(page, (x) => want.test(x.note || '') && new RegExp(`${flag}=${value}`).test(x.hash), 20000, `${flag}=${value} tuned`);
        if (s.step < s0.step) throw new Error(`tuning ${flag} restarted the run (step ${s0.step} → ${s.step})`);
        return s.note;
      };
      const notes = [await tune('g', '8', /g = 8/), await tune('drive', '30', /drive = 30/), await tune('p', '0.05', /p = 0.05: the connectivity was drawn again/)];
      await page.evaluate(() => window.postMessage({ source: 'rnnlab', type: 'command', cmd: 'play' }, location.origin));
      await sleep(1500);
      await page.screenshot({ path: path.join(OUT, 'run-spiking-tuned.png') });
      // a bad value: the message names the key, the run keeps its settings
      const from = await page.evaluate(() => (window.rnnlab.errors || []).length);
      await page.fill('#flag-p', '1.5');
      await page.locator('#flag-p').dispatchEvent('change');
      const err = await poll(() => page.evaluate((f) => (window.rnnlab.errors || []).slice(f).find((e) => /spiking\.p/.test(e)), from), 20000, 'the error for p = 1.5');
      await poll(async () => (await page.inputValue('#flag-p')) === '0.05', 10000, 'the p field back at 0.05');
      notes.push(await tune('n', '5000', /n = 5000: a new network/));
      const m5000 = await measure('N=5000');
      await tune('n', '1000', /n = 1000/);
      const m1000 = await measure('N=1000');
      // the embeddable raster
      const w = await newPage({ viewport: { width: 800, height: 400 } });
      let wink;
      try {
        await w.goto(`${URL0()}run.html#kind=spiking&n=2000&view=raster&play=1`);
        await waitStatus(w, (s) => s.running && s.values.t_ms > 600, 60000, 'the embedded raster running');
        const panels = await poll(() => w.evaluate(() => window.rnnlab.panels), 20000, 'the drawn raster');
        if (panels !== 'raster') throw new Error(`the raster widget draws ${panels}`);
        wink = await shot(w.locator('canvas').first(), 'run-spiking-widget');
        noErrors(w, 'raster widget');
      } finally { await closePage(w); }
      noErrors(page, 'spiking');
      const perf = [m2000, m5000, m1000].map((m) => `${m.label}: ${m.simMsPerWallMs} sim-ms/wall-ms, rAF frames ${m.frames.n} in 4 s (median ${m.frames.median.toFixed(1)} ms, p95 ${m.frames.p95.toFixed(1)}, max ${m.frames.max.toFixed(1)}), status fps ${m.fps}, train ${m.trainMs} ms, draw ${m.drawMs} ms, rate_e ${m.rateE.toFixed(1)} Hz`).join('; ');
      fs.writeFileSync(path.join(OUT, 'run-spiking-perf.json'), JSON.stringify({ m2000, m5000, m1000 }, null, 1));
      return `${WIDGETS.spikes} spikes in the window = native (checksum ${sum}), ${pageSpikes} in all = rnnlab spiking's; ${perf}; ${notes.join(' | ')}; “${err}”; raster widget ink ${(100 * wink).toFixed(1)}%`;
    } finally { await closePage(page); }
  });

  test('run page: keyboard: Tab reaches the controls with a visible focus, the canvas keys work', async () => {
    await requirePage('run.html');
    const page = await newPage();
    try {
      await page.goto(`${URL0()}run.html#${LIVE}&play=0`);
      await waitStatus(page, (s) => s.evalStep === 0, 60000, 'the page');
      await page.focus('#kind');
      const order = [];
      for (let i = 0; i < 6; i++) {
        await page.keyboard.press('Tab');
        order.push(await page.evaluate(() => document.activeElement.id || document.activeElement.tagName));
      }
      if (!order.includes('play')) throw new Error(`Tab order ${order} does not reach the Start button`);
      while ((await page.evaluate(() => document.activeElement.id)) !== 'play') await page.keyboard.press('Tab');
      const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle + ' ' + getComputedStyle(document.activeElement).outlineWidth);
      if (!/solid 3px/.test(outline)) throw new Error(`the focused button's outline is ${outline}`);
      await page.screenshot({ path: path.join(OUT, 'run-page-focus.png') });
      await page.keyboard.press('Enter');
      await waitStatus(page, (s) => s.running, 10000, 'Enter on Start to play');
      await page.keyboard.press('Enter');
      await waitStatus(page, (s) => !s.running, 10000, 'Enter on Pause to pause');
      // the canvas: S steps, Space plays
      await page.locator('canvas').first().focus();
      const s0 = (await statusOf(page)).step;
      await page.keyboard.press('s');
      await waitStatus(page, (s) => s.step === s0 + 1, 10000, 'S to step once');
      await page.keyboard.press('Space');
      await waitStatus(page, (s) => s.running, 10000, 'Space to play');
      await page.keyboard.press('Space');
      await page.keyboard.press('Tab');
      const left = await page.evaluate(() => document.activeElement.tagName);
      if (left === 'CANVAS') throw new Error('Tab does not leave the canvas');
      noErrors(page, 'keyboard');
      return `Tab order ${order.join(' → ')}; outline ${outline}`;
    } finally { await closePage(page); }
  });
}
