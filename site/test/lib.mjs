// Helpers of the browser tests: the server, PNG decoding and blankness,
// .npy parsing, brotli sizes, polling.
import { spawn } from 'node:child_process';
import http from 'node:http';
import zlib from 'node:zlib';

export class Skip extends Error {}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// startServer runs `rnnlab serve` on a free port and resolves with its URL
// and a stop function, once it printed the address.
export function startServer(bin, extraArgs = []) {
  return new Promise((resolve, reject) => {
    const p = spawn(bin, ['serve', '--addr', '127.0.0.1:0', ...extraArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    const timer = setTimeout(() => { p.kill(); reject(new Error(`${bin} serve printed no address: ${out}${err}`)); }, 15000);
    p.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/http:\/\/[^\s]+\//);
      if (m) {
        clearTimeout(timer);
        resolve({
          url: m[0],
          stop: () => new Promise((r) => { if (p.exitCode !== null) return r(); p.once('exit', r); p.kill('SIGINT'); }),
        });
      }
    });
    p.stderr.on('data', (d) => { err += d; });
    p.on('exit', (code) => { clearTimeout(timer); reject(new Error(`${bin} serve exited (${code}): ${err.trim()}`)); });
    p.on('error', (e) => { clearTimeout(timer); reject(e); });
  });
}

// run runs a command to completion and resolves with its stdout.
export function run(cmd, args) {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { err += d; });
    p.on('exit', (code) => code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${err.trim().slice(-2000)}`)));
    p.on('error', reject);
  });
}

// httpStatus resolves with the status code of a GET of url.
export function httpStatus(url) {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => { res.resume(); resolve(res.statusCode); }).on('error', reject);
  });
}

// brotliBytes resolves with the bytes on the wire of a GET of url that
// accepts only brotli (the precompressed sibling where there is one).
export function brotliBytes(url) {
  return new Promise((resolve, reject) => {
    http.get(url, { headers: { 'Accept-Encoding': 'br' } }, (res) => {
      let n = 0;
      res.on('data', (d) => { n += d.length; });
      res.on('end', () => resolve({ bytes: n, encoding: res.headers['content-encoding'] || 'identity', status: res.statusCode }));
    }).on('error', reject);
  });
}

// decodePNG decodes an 8-bit, non-interlaced RGB or RGBA PNG (what
// Chromium's screenshots are) into {width, height, channels, data}.
export function decodePNG(buf) {
  let pos = 8, width = 0, height = 0, depth = 0, ctype = 0, interlace = 0;
  const idat = [];
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos), type = buf.toString('latin1', pos + 4, pos + 8);
    const data = buf.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0); height = data.readUInt32BE(4);
      depth = data[8]; ctype = data[9]; interlace = data[12];
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    pos += 12 + len;
  }
  const channels = { 2: 3, 6: 4 }[ctype];
  if (depth !== 8 || !channels || interlace) throw new Error(`PNG: unsupported depth ${depth} colour type ${ctype} interlace ${interlace}`);
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * channels, out = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)], line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? out[y * stride + x - channels] : 0;
      const b = y > 0 ? out[(y - 1) * stride + x] : 0;
      const c = x >= channels && y > 0 ? out[(y - 1) * stride + x - channels] : 0;
      let v = line[x];
      if (f === 1) v += a;
      else if (f === 2) v += b;
      else if (f === 3) v += (a + b) >> 1;
      else if (f === 4) { const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c); v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c; }
      out[y * stride + x] = v & 255;
    }
  }
  return { width, height, channels, data: out };
}

// inkFraction is the fraction of pixels that differ from the background,
// the image's most common colour, by more than tol in some channel.
export function inkFraction(png, tol = 24) {
  const { width, height, channels, data } = png;
  const counts = new Map();
  for (let i = 0; i < width * height; i++) {
    const k = (data[i * channels] << 16) | (data[i * channels + 1] << 8) | data[i * channels + 2];
    counts.set(k, (counts.get(k) || 0) + 1);
  }
  let bg = 0, best = -1;
  for (const [k, n] of counts) if (n > best) { best = n; bg = k; }
  const br = bg >> 16, bgc = (bg >> 8) & 255, bb = bg & 255;
  let ink = 0;
  for (let i = 0; i < width * height; i++) {
    const o = i * channels;
    if (Math.abs(data[o] - br) > tol || Math.abs(data[o + 1] - bgc) > tol || Math.abs(data[o + 2] - bb) > tol) ink++;
  }
  return ink / (width * height);
}

// parseNpy reads a little-endian float64 C-order .npy into {shape, data}.
export function parseNpy(buf) {
  if (buf.length < 10 || buf.toString('latin1', 1, 6) !== 'NUMPY') throw new Error('not a .npy file');
  const major = buf[6];
  const hlen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = buf.toString('latin1', start, start + hlen);
  const descr = header.match(/'descr':\s*'([^']+)'/)[1];
  const fortran = /'fortran_order':\s*True/.test(header);
  const shape = header.match(/'shape':\s*\(([^)]*)\)/)[1].split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  if (descr !== '<f8' || fortran) throw new Error(`.npy: want <f8 C order, got ${descr} fortran=${fortran}`);
  const off = start + hlen, n = shape.reduce((a, b) => a * b, 1);
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) data[i] = buf.readDoubleLE(off + 8 * i);
  return { shape, data };
}

// poll calls fn until it returns a truthy value, or throws after ms with
// the message what (and fn's last value).
export async function poll(fn, ms, what, every = 100) {
  const end = Date.now() + ms;
  let last;
  for (;;) {
    last = await fn();
    if (last) return last;
    if (Date.now() > end) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
    await sleep(every);
  }
}
