// The `spatialgen view` page: plain DOM and canvas, no build step. Pages by URL hash:
//   #/  overview · #/episodes · #/episode/<index> (player) · #/stage1 · #/stats
// Every overlay is drawn on a canvas in the stored image's own pixels (the canvas is as large as the image and
// scaled by CSS), so a box at x = 37 in the data is at canvas pixel 37. When a page has drawn what it shows, it sets
// `document.body.dataset.ready` (and the player `dataset.frame`), which the browser tests wait for.

const main = document.getElementById('main');
const COLORS = { tight: '#00e676', amodal: '#ffd400', grasp: '#ff3030', place: '#3090ff', trace: '#ff40ff', text: '#00e5ff', structured: '#ff9100' };
let leave = null; // the current page's cleanup (timers, key handlers)
/** Appends to the page, skipping the nulls a `cond ? el : null` leaves. */
const put = (...els) => main.append(...els.flat(Infinity).filter((e) => e !== null && e !== undefined && e !== false));

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') el.className = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (v !== false && v !== null && v !== undefined) el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat(Infinity)) if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

async function api(path) {
  const r = await fetch(path);
  const body = await r.json();
  if (!r.ok) throw new Error(body.error || `HTTP ${r.status}`);
  return body;
}

let overviewPromise = null;
const overviewData = () => (overviewPromise ??= api('/api/overview'));

function ready(name) {
  document.body.dataset.ready = name;
}

async function route() {
  if (leave) leave();
  leave = null;
  delete document.body.dataset.ready;
  delete document.body.dataset.frame;
  const [path, query] = location.hash.replace(/^#/, '').split('?');
  const parts = path.split('/').filter(Boolean);
  const q = new URLSearchParams(query || '');
  main.replaceChildren();
  const page = { '': overview, episodes, episode, stage1, stats }[parts[0] || ''];
  try {
    if (!page) throw new Error(`no page ${location.hash}`);
    await page(parts, q);
  } catch (e) {
    put(h('p', { class: 'error' }, e.message));
    ready('error');
  }
}

// ---------- overview ----------

function bars(items, max = Math.max(1, ...items.map((i) => i.value))) {
  return h('div', {}, items.map((i) =>
    h('div', { class: 'bar' },
      h('span', { class: 'label', title: i.label }, i.href ? h('a', { href: i.href }, i.label) : i.label),
      h('span', { class: `fill ${i.cls || ''}`, style: `width:${Math.round((300 * i.value) / max)}px` }),
      h('span', { class: 'dim' }, i.text ?? String(i.value)))));
}

const pct = (x) => `${(100 * x).toFixed(0)} %`;

async function overview() {
  const o = await overviewData();
  const c = o.counts;
  put(
    h('h2', {}, 'Dataset'),
    h('div', { class: 'cards' },
      [['episodes', c.episodes_attempted], ['succeeded', `${c.episodes_succeeded} (${pct(c.episodes_succeeded / Math.max(1, c.episodes_attempted))})`],
        ['failed', c.episodes_failed], ['frames', c.frames], ['stage-1 samples', c.stage1_samples], ['shards', o.shards.length], ['build', o.build_id],
        ['cameras', o.layout.cameras.join(', ') || '—']].map(([k, v]) => h('div', { class: 'card' }, h('b', {}, v), h('span', {}, k)))),
    h('h2', {}, 'Splits'),
    h('table', {}, h('tr', {}, ['split', 'episodes', 'succeeded', 'frames', 'stage-1 samples'].map((t) => h('th', {}, t))),
      Object.entries(o.splits).map(([s, v]) => h('tr', { class: 'link', onclick: () => (location.hash = `#/episodes?split=${s}`) },
        h('td', {}, s), h('td', {}, v.episodes), h('td', {}, v.episodes_succeeded), h('td', {}, v.frames), h('td', {}, v.stage1_samples)))),
    h('div', { class: 'grid2' },
      h('div', {}, h('h2', {}, 'Failure reasons'),
        Object.keys(c.failure_reasons).length === 0 ? h('p', { class: 'dim' }, 'no failed episodes')
          : bars(Object.entries(c.failure_reasons).sort((a, b) => b[1] - a[1]).map(([k, v]) => ({ label: k, value: v, cls: 'bad', href: `#/episodes?reason=${encodeURIComponent(k)}` })))),
      h('div', {}, h('h2', {}, 'Stage-1 samples by task type'),
        bars(Object.entries(c.stage1_samples_by_task_type).map(([k, v]) => ({ label: k, value: v, href: `#/stage1?type=${k}` })))),
      h('div', {}, h('h2', {}, 'Success rate by task primitive'),
        bars(o.by_task.map((t) => ({ label: t.key, value: t.rate, cls: 'ok', text: `${pct(t.rate)} of ${t.episodes}`, href: `#/episodes?task=${encodeURIComponent(t.key)}` })), 1)),
      h('div', {}, h('h2', {}, 'Success rate by asset category'),
        bars(o.by_category.slice(0, 40).map((t) => ({ label: t.key, value: t.rate, cls: 'ok', text: `${pct(t.rate)} of ${t.episodes}` })), 1))),
    h('h2', {}, 'Config'),
    h('details', {}, h('summary', {}, 'the build\'s resolved config'), h('pre', {}, JSON.stringify(o.config, null, 2))));
  ready('overview');
}

// ---------- episodes ----------

async function episodes(_parts, q) {
  const o = await overviewData();
  const offset = Number(q.get('offset') || 0);
  const filter = new URLSearchParams();
  for (const k of ['split', 'task', 'success', 'reason']) if (q.get(k)) filter.set(k, q.get(k));
  const r = await api(`/api/episodes?${filter}&offset=${offset}&limit=50`);
  const select = (key, options) => h('select', { onchange: (e) => { const n = new URLSearchParams(filter); if (e.target.value) n.set(key, e.target.value); else n.delete(key); location.hash = `#/episodes?${n}`; } },
    h('option', { value: '' }, `any ${key}`), options.map((v) => h('option', { value: v, selected: q.get(key) === v }, v)));
  put(
    h('div', { class: 'filters' },
      select('split', Object.keys(o.splits)), select('task', o.by_task.map((t) => t.key)), select('success', ['true', 'false']),
      select('reason', Object.keys(o.counts.failure_reasons)),
      h('span', { class: 'dim' }, `${r.total} episodes`),
      offset > 0 ? h('a', { href: `#/episodes?${filter}&offset=${Math.max(0, offset - 50)}` }, '← previous') : null,
      offset + 50 < r.total ? h('a', { href: `#/episodes?${filter}&offset=${offset + 50}` }, 'next →') : null),
    h('table', { id: 'episodes' },
      h('tr', {}, ['#', 'split', 'task', 'instruction', 'frames', 'outcome'].map((t) => h('th', {}, t))),
      r.rows.map((e) => h('tr', { class: 'link', onclick: () => (location.hash = `#/episode/${e.episode_index}`) },
        h('td', {}, e.episode_index), h('td', {}, e.split), h('td', {}, e.task ?? ''), h('td', {}, e.instruction), h('td', {}, e.num_frames),
        h('td', { class: e.success ? 'ok' : 'bad' }, e.success ? 'success' : e.failure_reason)))));
  ready('episodes');
}

// ---------- episode player ----------

function drawFrameOverlays(ctx, f, cam, show) {
  ctx.lineJoin = 'round';
  for (const b of f[`annotations.${cam}.boxes`] || []) {
    if (show.amodal) {
      const [x0, y0, x1, y1] = b.bbox_amodal;
      ctx.setLineDash([4, 3]);
      ctx.strokeStyle = COLORS.amodal;
      ctx.lineWidth = 1;
      ctx.strokeRect(x0, y0, x1 - x0, y1 - y0);
      ctx.setLineDash([]);
    }
    if (show.tight && b.bbox_tight) {
      const [x0, y0, x1, y1] = b.bbox_tight;
      ctx.strokeStyle = COLORS.tight;
      ctx.lineWidth = 2;
      ctx.strokeRect(x0, y0, x1 - x0, y1 - y0);
    }
    if (show.labels) {
      const at = b.bbox_tight || b.bbox_amodal;
      const text = `${b.label}${b.occlusion > 0.05 ? ` (${Math.round(b.occlusion * 100)} % hidden)` : ''}`;
      ctx.font = '10px sans-serif';
      ctx.lineWidth = 3;
      ctx.strokeStyle = '#000';
      ctx.strokeText(text, at[0] + 2, Math.max(10, at[1] - 3));
      ctx.fillStyle = b.bbox_tight ? COLORS.tight : COLORS.amodal;
      ctx.fillText(text, at[0] + 2, Math.max(10, at[1] - 3));
    }
  }
  const trace = f[`annotations.${cam}.trace_2d`] || [];
  if (show.trace && trace.length > 0) {
    ctx.strokeStyle = COLORS.trace;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    trace.forEach(([x, y], i) => (i ? ctx.lineTo(x, y) : ctx.moveTo(x, y)));
    ctx.stroke();
  }
  if (show.points) {
    for (const [key, color] of [['grasp_point', COLORS.grasp], ['place_point', COLORS.place]]) {
      const p = f[`annotations.${cam}.${key}`];
      if (!p) continue;
      ctx.fillStyle = color;
      ctx.strokeStyle = '#fff';
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.arc(p[0], p[1], 4, 0, 2 * Math.PI);
      ctx.fill();
      ctx.stroke();
    }
  }
}

function loadImage(src) {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = () => reject(new Error(`could not load ${src}`));
    img.src = src;
  });
}

/** A chart canvas sized to its CSS box at the screen's pixel density; drawing is in CSS pixels. */
function chartContext(canvas) {
  const dpr = window.devicePixelRatio || 1;
  const w = canvas.clientWidth;
  const hgt = canvas.clientHeight;
  canvas.width = w * dpr;
  canvas.height = hgt * dpr;
  const ctx = canvas.getContext('2d');
  ctx.scale(dpr, dpr);
  return { ctx, w, hgt };
}

function plot(canvas, title, series, frame) {
  const { ctx, w, hgt } = chartContext(canvas);
  const n = series[0]?.length ?? 0;
  const all = series.flat().filter(Number.isFinite);
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  const x = (i) => 40 + ((w - 50) * i) / Math.max(1, n - 1);
  const y = (v) => hgt - 14 - ((hgt - 28) * (v - lo)) / (hi - lo || 1);
  ctx.fillStyle = '#9aa0aa';
  ctx.font = '11px sans-serif';
  ctx.fillText(title, 44, 12);
  ctx.fillText(hi.toFixed(2), 2, 16);
  ctx.fillText(lo.toFixed(2), 2, hgt - 14);
  series.forEach((s, d) => {
    ctx.strokeStyle = `hsl(${(d * 360) / series.length}, 70%, 60%)`;
    ctx.lineWidth = 1.2;
    ctx.beginPath();
    s.forEach((v, i) => (i ? ctx.lineTo(x(i), y(v)) : ctx.moveTo(x(i), y(v))));
    ctx.stroke();
  });
  ctx.strokeStyle = '#fff';
  ctx.setLineDash([3, 3]);
  ctx.beginPath();
  ctx.moveTo(x(frame), 16);
  ctx.lineTo(x(frame), hgt - 10);
  ctx.stroke();
  ctx.setLineDash([]);
}

async function episode(parts) {
  const index = Number(parts[1]);
  const d = await api(`/api/episode/${index}`);
  const ep = d.episode;
  const frames = d.frames;
  const cams = d.layout.cameras;
  const st = { frame: 0, mode: 'color', timer: null, show: { tight: true, amodal: true, labels: true, points: true, trace: true, text: true } };
  const images = new Map();
  const image = (f, cam, mode) => {
    const key = `${f}/${cam}/${mode}`;
    if (!images.has(key)) images.set(key, loadImage(`/api/frame/${index}/${f}/${encodeURIComponent(cam)}/${mode}`));
    return images.get(key);
  };
  const canvases = cams.map((cam) => h('canvas', { id: `cam-${cam}`, 'data-camera': cam }));
  const range = h('input', { type: 'range', min: 0, max: Math.max(0, frames.length - 1), value: 0, id: 'scrubber', oninput: (e) => show(Number(e.target.value)) });
  const label = h('span', { id: 'frame-label', class: 'dim' });
  const playButton = h('button', { id: 'play', onclick: () => toggle() }, 'play');
  const text = h('div', { class: 'text' });
  const modes = ['color', ...(cams.some((c) => d.layout.depth.includes(c)) ? ['depth'] : []), ...(cams.some((c) => d.layout.segmentation.includes(c)) ? ['segmentation'] : [])];
  const plots = [h('canvas', {}), h('canvas', {})];
  const toggles = Object.keys(st.show).map((k) => h('label', {}, h('input', { type: 'checkbox', checked: true, 'data-overlay': k, onchange: (e) => { st.show[k] = e.target.checked; draw(); } }), ` ${k === 'text' ? 'instruction & prompt' : k === 'tight' ? 'tight boxes' : k === 'amodal' ? 'amodal boxes' : k}`));
  const f0 = frames[0] || {};
  put(
    h('h2', {}, `Episode #${ep.episode_index} `, h('span', { class: ep.success ? 'ok' : 'bad' }, ep.success ? 'success' : `failed: ${ep.failure_reason}`),
      h('span', { class: 'dim' }, `  ${ep.split} · ${ep.task ?? ''} · ${ep.num_frames} frames · ${ep.episode_id}`)),
    h('div', { class: 'dim' }, index > 0 ? h('a', { href: `#/episode/${index - 1}` }, '← previous episode') : null, '  ', h('a', { href: `#/episode/${index + 1}` }, 'next episode →'),
      ep.assets?.length ? `  objects: ${ep.assets.join(', ')}` : null),
    text);
  if (frames.length === 0) {
    // a failed episode a build keeps no frames of, or a converted recording (stage-1 samples only)
    text.replaceChildren(h('div', {}, h('b', {}, 'Instruction: '), ep.instruction || '—'));
    put(h('p', { class: 'dim' }, 'this episode has no stage-2 frames in this dataset'));
    return ready('episode');
  }
  put(
    h('div', { class: 'player' },
      h('div', { class: 'controls' }, playButton, range, label,
        h('select', { id: 'mode', onchange: (e) => { st.mode = e.target.value; draw(); } }, modes.map((m) => h('option', { value: m }, m))),
        h('span', { class: 'dim' }, '← → step · space play')),
      h('div', { class: 'controls toggles' }, toggles),
      h('div', { class: 'legend' }, [['tight', 'tight box'], ['amodal', 'amodal box'], ['grasp', 'grasp point'], ['place', 'place point'], ['trace', 'trace']].map(([k, t]) => [h('i', { style: `background:${COLORS[k]}` }), t])),
      h('div', { class: 'cams' }, cams.map((cam, i) => h('figure', {}, canvases[i], h('figcaption', {}, cam))))),
    h('div', { class: 'plots' }, plots));
  let drawing = 0;
  async function draw() {
    const f = st.frame;
    const ticket = ++drawing;
    const fr = frames[f];
    label.textContent = `frame ${f + 1} / ${frames.length} · t = ${Number(fr.timestamp).toFixed(2)} s`;
    text.replaceChildren(...(st.show.text ? [h('div', {}, h('b', {}, 'Instruction: '), fr.instruction), h('div', {}, h('b', {}, 'Spatial prompt: '), fr.spatial_prompt || '—')] : []));
    const loaded = await Promise.all(cams.map((cam) => image(f, cam, cam && (st.mode === 'color' || d.layout[st.mode].includes(cam)) ? st.mode : 'color')));
    if (ticket !== drawing) return; // a later frame was asked for meanwhile
    loaded.forEach((img, i) => {
      const c = canvases[i];
      c.width = img.naturalWidth;
      c.height = img.naturalHeight;
      const ctx = c.getContext('2d');
      ctx.drawImage(img, 0, 0);
      drawFrameOverlays(ctx, fr, cams[i], st.show);
    });
    plot(plots[0], 'action', [0, 1, 2, 3, 4, 5, 6].map((k) => frames.map((x) => x.action[k])), f);
    const dims = (f0['observation.state'] || []).length;
    plot(plots[1], 'observation.state', Array.from({ length: dims }, (_, k) => frames.map((x) => x['observation.state'][k])), f);
    for (let k = 1; k <= 3 && f + k < frames.length; k++) for (const cam of cams) image(f + k, cam, st.mode === 'color' ? 'color' : st.mode).catch(() => {});
    document.body.dataset.frame = String(f);
    ready('episode');
  }
  function show(f) {
    st.frame = Math.max(0, Math.min(frames.length - 1, f));
    range.value = String(st.frame);
    return draw();
  }
  function toggle() {
    if (st.timer) {
      clearInterval(st.timer);
      st.timer = null;
      playButton.textContent = 'play';
      return;
    }
    const dt = frames.length > 1 ? (frames[frames.length - 1].timestamp - frames[0].timestamp) / (frames.length - 1) : 0.1;
    playButton.textContent = 'pause';
    st.timer = setInterval(() => (st.frame + 1 < frames.length ? show(st.frame + 1) : toggle()), Math.max(30, dt * 1000));
  }
  const onKey = (e) => {
    if (e.target instanceof HTMLInputElement && e.target.type !== 'range' && e.target.type !== 'checkbox') return;
    const step = { ArrowRight: () => show(st.frame + 1), ArrowLeft: () => show(st.frame - 1), ' ': () => toggle() }[e.key];
    if (!step) return;
    e.preventDefault();
    step();
  };
  document.addEventListener('keydown', onKey);
  leave = () => {
    document.removeEventListener('keydown', onKey);
    if (st.timer) clearInterval(st.timer);
  };
  await draw();
}

// ---------- stage-1 samples ----------

/** The coordinates in an answer's *text*, in pixels of the stored image: what a model trained on it would say. */
export function parseAnswer(text, coordFormat, width, height) {
  const start = text.indexOf('[');
  if (start < 0) return null;
  let v;
  try {
    v = JSON.parse(text.slice(start, text.lastIndexOf(']') + 1));
  } catch {
    return null;
  }
  const m = /^abs:(\d+)x(\d+)$/.exec(coordFormat);
  const sx = m ? width / Number(m[1]) : coordFormat === 'norm1000' ? width / 1000 : coordFormat === 'norm1' ? width : 1;
  const sy = m ? height / Number(m[2]) : coordFormat === 'norm1000' ? height / 1000 : coordFormat === 'norm1' ? height : 1;
  const out = { boxes: [], points: [], trace: [] };
  for (const item of Array.isArray(v) ? v : []) {
    if (Array.isArray(item) && item.length === 2) out.trace.push([item[0] * sx, item[1] * sy]);
    else if (item && Array.isArray(item.bbox_2d)) out.boxes.push([item.bbox_2d[0] * sx, item.bbox_2d[1] * sy, item.bbox_2d[2] * sx, item.bbox_2d[3] * sy]);
    else if (item && Array.isArray(item.point_2d)) out.points.push([item.point_2d[0] * sx, item.point_2d[1] * sy]);
  }
  return out.boxes.length + out.points.length + out.trace.length ? out : null;
}

function drawAnswer(ctx, a, color, dashed) {
  ctx.strokeStyle = color;
  ctx.fillStyle = color;
  // the structured answer is drawn first and wider, so where the two agree its dashes frame the text's line
  ctx.lineWidth = dashed ? 4 : 1.5;
  ctx.setLineDash(dashed ? [5, 3] : []);
  for (const [x0, y0, x1, y1] of a.boxes) ctx.strokeRect(x0, y0, x1 - x0, y1 - y0);
  for (const [x, y] of a.points) {
    ctx.beginPath();
    ctx.arc(x, y, dashed ? 6 : 3.5, 0, 2 * Math.PI);
    if (dashed) ctx.stroke();
    else ctx.fill();
  }
  if (a.trace.length) {
    ctx.beginPath();
    a.trace.forEach(([x, y], i) => (i ? ctx.lineTo(x, y) : ctx.moveTo(x, y)));
    ctx.stroke();
  }
  ctx.setLineDash([]);
}

async function stage1(_parts, q) {
  const o = await overviewData();
  const splits = Object.entries(o.splits).filter(([, v]) => v.stage1_samples > 0).map(([k]) => k);
  const split = q.get('split') || splits[0];
  const type = q.get('type') || '';
  const go = (k, v) => { const n = new URLSearchParams(q); if (v) n.set(k, v); else n.delete(k); location.hash = `#/stage1?${n}`; };
  const grid = h('div', { class: 'samples', id: 'samples' });
  const more = h('button', { id: 'more' }, 'more');
  put(
    h('div', { class: 'filters' },
      h('select', { onchange: (e) => go('split', e.target.value) }, splits.map((s) => h('option', { value: s, selected: s === split }, s))),
      h('select', { id: 'type', onchange: (e) => go('type', e.target.value) }, h('option', { value: '' }, 'every task type'),
        Object.entries(o.counts.stage1_samples_by_task_type).filter(([, n]) => n > 0).map(([t]) => h('option', { value: t, selected: t === type }, t))),
      h('span', { class: 'legend' }, h('i', { style: `background:${COLORS.text}` }), 'answer parsed from its text', h('i', { style: `background:${COLORS.structured}` }), 'structured answer (dashed)')),
    grid, more);
  if (!split) return ready('stage1');
  let cursor = { shard: 0, row: 0 };
  async function page() {
    const r = await api(`/api/stage1?split=${split}&shard=${cursor.shard}&row=${cursor.row}&limit=12${type ? `&type=${type}` : ''}`);
    await Promise.all(r.samples.map(async (s) => {
      const canvas = h('canvas', {});
      const [question, answer] = [s.conversations[0]?.value ?? '', s.conversations[1]?.value ?? ''];
      const card = h('div', { class: 'sample', 'data-id': s.id, 'data-task-type': s.task_type },
        canvas, h('div', { class: 'q' }, question.replace(/<image>\s*/g, '')), h('div', { class: 'a' }, answer),
        h('div', { class: 'dim' }, `${s.task_type} · ${s.coord_format} · ${s.camera} · ${s.episode_id} f${s.frame_index}`));
      grid.append(card);
      const img = await loadImage(`/api/stage1-image/${split}/${s._shard}/${s._row}`);
      canvas.width = img.naturalWidth;
      canvas.height = img.naturalHeight;
      const ctx = canvas.getContext('2d');
      ctx.drawImage(img, 0, 0);
      const structured = { boxes: s.boxes.map((b) => b.bbox_2d), points: s.points.map((p) => p.point_2d), trace: s.trace };
      drawAnswer(ctx, structured, COLORS.structured, true);
      const parsed = parseAnswer(answer, s.coord_format, s.width, s.height);
      if (parsed) drawAnswer(ctx, parsed, COLORS.text, false);
      card.dataset.parsed = parsed ? JSON.stringify(parsed) : '';
    }));
    cursor = r.next;
    more.hidden = !cursor;
  }
  more.onclick = () => page();
  await page();
  ready('stage1');
}

// ---------- stats ----------

function histogram(canvas, values, s, d) {
  const { ctx, w, hgt } = chartContext(canvas);
  const lo = s.min[d];
  const hi = s.max[d];
  const bins = new Array(24).fill(0);
  for (const v of values) bins[Math.min(23, Math.max(0, Math.floor(((v - lo) / (hi - lo || 1)) * 24)))]++;
  const top = Math.max(1, ...bins);
  const x = (v) => ((v - lo) / (hi - lo || 1)) * w;
  ctx.fillStyle = '#4fc3f7';
  bins.forEach((n, i) => ctx.fillRect((i * w) / 24 + 1, hgt - ((hgt - 6) * n) / top, w / 24 - 2, ((hgt - 6) * n) / top));
  ctx.strokeStyle = '#ff9100';
  for (const q of [s.q01[d], s.q99[d]]) {
    ctx.beginPath();
    ctx.moveTo(x(q), 0);
    ctx.lineTo(x(q), hgt);
    ctx.stroke();
  }
}

async function stats() {
  const { stats, sample } = await api('/api/stats');
  const fmt = (v) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(3));
  for (const [key, rows] of [['action', sample.action], ['observation.state', sample.state]]) {
    const s = stats[key];
    if (!s) continue;
    const figs = s.mean.map((_, d) => {
      const canvas = h('canvas', {});
      return { d, canvas, fig: h('figure', {}, canvas, h('figcaption', {}, `${key}[${d}]  min ${fmt(s.min[d])} · max ${fmt(s.max[d])} · mean ${fmt(s.mean[d])} · std ${fmt(s.std[d])} · q01–q99 (orange) ${fmt(s.q01[d])}…${fmt(s.q99[d])}`)) };
    });
    put(h('h2', {}, `${key}: ${s.mean.length} dimensions, histogram of ${rows.length} sampled rows`), h('div', { class: 'hists' }, figs.map((f) => f.fig)));
    for (const f of figs) histogram(f.canvas, rows.map((r) => r[f.d]), s, f.d);
  }
  put(h('h2', {}, 'Sampled rows'), h('table', {}, h('tr', {}, h('th', {}, 'observation.state'), h('th', {}, 'action')),
    sample.state.slice(0, 12).map((st, i) => h('tr', {}, h('td', { class: 'a' }, st.map(fmt).join(' ')), h('td', { class: 'a' }, sample.action[i].map(fmt).join(' '))))));
  put(h('h2', {}, 'stats.json'), h('details', {}, h('summary', {}, 'every feature'), h('pre', {}, JSON.stringify(stats, null, 1))));
  ready('stats');
}

overviewData().then((o) => (document.getElementById('dataset').textContent = o.dir)).catch(() => {});
window.addEventListener('hashchange', route);
route();
