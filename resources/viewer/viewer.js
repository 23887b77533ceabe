// Roundtable live viewer: a read-only view of the host's debates and shared chats
// (docs/remote-protocol.md, version 1). It opens /ws?token=..., rebuilds its whole
// state from every snapshot and applies the numbered event stream on top of it.
// Everything the server sends is untrusted: it is only ever written with
// textContent / createElement, never parsed as HTML.
'use strict';

(() => {
  const PROTOCOL = 1;
  const BACKOFF_MIN_MS = 500;
  const BACKOFF_MAX_MS = 10000;
  const SILENCE_MS = 45000; // metrics arrive every 2 s: this long without a frame means a dead link
  const PALETTE = ['#2563eb', '#d9462b', '#059669', '#9333ea', '#d97706', '#0891b2', '#db2777', '#65a30d', '#4b5563'];
  const PHASES = { starting: 'Starting', running: 'Live', paused: 'Paused', finished: 'Finished', failed: 'Failed', interrupted: 'Interrupted' };
  const ROUND_PHASES = { synthesis: 'closing synthesis' };
  const KINDS = { synthesis: 'Synthesis', verdict: 'Verdict', ranking: 'Ranking', repair: 'Repair', interjection: 'Interjection' };
  const NOTES = { interjection: 'Moderator', skipped: 'Skipped', fallback: 'Fallback model', host_moved: 'Host moved', warning: 'Warning', info: 'Note' };

  // ---- model: the snapshot's own shape, kept current by the events ----------------------
  const state = {
    connection: 'connecting', // connected | connecting | reconnecting | refused
    reason: '',               // why the last connection ended, in words
    server: '',
    viewer: null,
    debates: [],              // {debate, phase, round, turns, live, consensus, notes, pause, outcome}
    chats: [],                // {conversation_id, title, model, messages, live}
    metrics: null,
    selected: null,           // {kind: 'debate' | 'chat', id}
  };
  let lastSeq = 0;
  let connects = 0; // successful hellos
  window.rtViewer = { state, get lastSeq() { return lastSeq; }, get connects() { return connects; } };

  // ---- small helpers --------------------------------------------------------------------
  const $ = (id) => document.getElementById(id);
  const el = (tag, className, text) => {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = String(text);
    return node;
  };
  const box = (tag, className, ...children) => { const node = el(tag, className); node.append(...children); return node; };
  const setText = (node, text) => {
    const value = text == null ? '' : String(text);
    if (node.textContent !== value) node.textContent = value;
  };
  const clamp01 = (x) => Math.max(0, Math.min(1, Number(x) || 0));
  const pct = (x) => `${Math.round(clamp01(x) * 100)}%`;
  // Seat colours come from the server: only plain hex colours reach a style.
  const colourOf = (c, i) => (/^#[0-9a-f]{3,8}$/i.test(c || '') ? c : PALETTE[Math.abs(i | 0) % PALETTE.length]);
  const debateOf = (id) => state.debates.find((d) => d.debate.debate_id === id);
  const chatOf = (id) => state.chats.find((c) => c.conversation_id === id);
  const patch = (id, fields) => { const d = debateOf(id); if (d) Object.assign(d, fields); };
  const findLast = (list, pred) => { for (let i = list.length - 1; i >= 0; i--) if (pred(list[i])) return list[i]; return undefined; };
  const nearBottom = (node) => node.scrollHeight - node.scrollTop - node.clientHeight < 32;

  const normDebate = (d) => ({
    debate: d.debate || {}, phase: d.phase || 'running', round: d.round || null,
    turns: [...(d.turns || [])].sort((a, b) => a.index - b.index),
    live: (d.live || []).map((l) => ({ turn: l.turn || {}, text: l.text || '', attempt: l.attempt || 1 })),
    consensus: [...(d.consensus || [])].sort((a, b) => a.round - b.round),
    notes: [...(d.notes || [])], pause: d.pause || null, outcome: d.outcome || null,
  });
  const normLive = (l, model) => (typeof l === 'string' ? { model, text: l } : l ? { model: l.model || model, text: l.text || '' } : null);
  const normChat = (c) => ({ ...c, messages: [...(c.messages || [])], live: normLive(c.live, c.model) });

  // ---- events: one handler per type; unknown types are skipped (but still counted) ------
  const handlers = {
    debate_started(f) {
      const info = f.debate || {};
      const d = debateOf(info.debate_id);
      if (d) Object.assign(d, { debate: info, phase: 'running', pause: null, outcome: null, live: [] }); // resumed
      else state.debates.push(normDebate({ debate: info, phase: 'running' }));
    },
    round_started(f) { patch(f.round?.debate_id, { round: f.round }); },
    turn_started(f) {
      const t = f.turn || {};
      const d = debateOf(t.debate_id);
      if (!d) return;
      d.live = d.live.filter((l) => l.turn.index !== t.index && l.turn.seat !== t.seat);
      d.live.push({ turn: t, text: '', attempt: 1 });
      if (d.phase === 'starting') d.phase = 'running';
    },
    tokens(f) {
      for (const x of f.deltas || []) {
        const d = debateOf(x.debate_id);
        if (!d || d.turns.some((t) => t.index === x.index)) continue; // a late batch for a stored turn
        let live = d.live.find((l) => l.turn.index === x.index);
        if (!live) d.live.push((live = { turn: { debate_id: x.debate_id, index: x.index, seat: x.seat }, text: '', attempt: 1 }));
        const attempt = x.attempt || 1;
        if (attempt > live.attempt) Object.assign(live, { attempt, text: '' }); // a repair replaces attempt 1
        if (attempt === live.attempt) live.text += x.text || '';
      }
      for (const x of f.chats || []) {
        const c = chatOf(x.conversation_id);
        if (c) (c.live = c.live || { model: c.model, text: '' }).text += x.text || '';
      }
    },
    turn_finished(f) {
      const t = f.turn || {};
      const d = debateOf(t.debate_id);
      if (!d) return;
      d.live = d.live.filter((l) => l.turn.index !== t.index);
      const i = d.turns.findIndex((x) => x.index === t.index);
      if (i >= 0) d.turns[i] = t; // never twice the same turn
      else d.turns.push(t), d.turns.sort((a, b) => a.index - b.index);
    },
    consensus(f) {
      const c = f.consensus || {};
      const d = debateOf(c.debate_id);
      if (d) d.consensus = d.consensus.filter((x) => x.round !== c.round).concat(c).sort((a, b) => a.round - b.round);
    },
    note(f) { debateOf(f.note?.debate_id)?.notes.push(f.note); },
    paused(f) { patch(f.pause?.debate_id, { pause: f.pause, phase: 'paused' }); },
    resumed(f) { patch(f.debate_id, { pause: null, phase: 'running' }); },
    finished(f) {
      const o = f.outcome || {};
      patch(o.debate_id, { outcome: o, phase: o.status === 'failed' ? 'failed' : 'finished', live: [], pause: null });
    },
    interrupted(f) { patch(f.debate_id, { phase: 'interrupted', live: [], pause: null }); },
    chat_shared(f) {
      state.chats = state.chats.filter((c) => c.conversation_id !== f.chat?.conversation_id).concat(normChat(f.chat || {}));
    },
    chat_message(f) {
      const c = chatOf(f.conversation_id);
      if (!c) return;
      c.messages.push(f.message || {});
      if (f.message?.role === 'assistant') c.live = null; // the finished reply replaces the stream
    },
    chat_reply_started(f) {
      const c = chatOf(f.conversation_id);
      if (c) c.live = { model: f.model || c.model, text: '' };
    },
    chat_unshared(f) { state.chats = state.chats.filter((c) => c.conversation_id !== f.conversation_id); },
    metrics(f) { state.metrics = f.metrics || null; },
  };

  function applySnapshot(f) {
    // Rebuilt from scratch: nothing of the old state survives but the selection.
    state.debates = (f.debates || []).map(normDebate);
    state.chats = (f.chats || []).map(normChat);
    state.metrics = f.metrics || state.metrics;
    shownId = null; // the same id may be another debate now (the server restarted): lay out afresh
  }

  // ---- connection -------------------------------------------------------------------------
  const token = new URLSearchParams(location.search).get('token');
  let ws = null;
  let retries = 0; // failed attempts since the last hello: the backoff exponent
  let retryTimer = 0, countdownTimer = 0, silenceTimer = 0;
  let gotSnapshot = false, watchSilence = false;

  function clearTimers() {
    clearTimeout(retryTimer);
    clearInterval(countdownTimer);
    clearTimeout(silenceTimer);
    retryTimer = countdownTimer = silenceTimer = 0;
  }

  function setStatus(name, text) {
    state.connection = name;
    $('status').dataset.state = name;
    document.body.dataset.conn = name;
    setText($('status-text'), text);
  }

  function connect() {
    clearTimers();
    if (!token) return refuse('This link has no token: open the viewer link that Roundtable shows (it ends in ?token=…).');
    setStatus(retries ? 'reconnecting' : 'connecting', retries ? 'Reconnecting…' : 'Connecting…');
    const sock = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws?token=${encodeURIComponent(token)}`);
    ws = sock;
    gotSnapshot = false;
    sock.onmessage = (ev) => { if (sock === ws && typeof ev.data === 'string') onFrame(ev.data); };
    sock.onclose = (ev) => { if (sock === ws) onClose(ev.code, ev.reason || ''); }; // onerror is always followed by onclose
  }

  // Drops the current socket without letting its close event schedule anything.
  function drop(reason) {
    const old = ws;
    ws = null;
    clearTimers();
    if (old && old.readyState <= WebSocket.OPEN) old.close(1000, reason);
  }

  const refuse = (text) => { clearTimers(); state.reason = text; setStatus('refused', text); scheduleRender(); };

  function onClose(code, reason) {
    ws = null;
    if (code === 1008) return refuse(refusalText(reason)); // a token or policy refusal does not heal by retrying
    scheduleRetry(closeText(code, reason));
  }

  function refusalText(reason) {
    const r = reason.toLowerCase();
    if (r.includes('invalid token') || (r.includes('token') && !r.includes('time'))) return "The viewer link's token is not valid: ask for a new link.";
    if (r.includes('origin')) return 'The server does not accept viewers from this page’s address.';
    if (r.includes('time')) return 'The token was not sent in time.';
    return `The server refused this viewer${reason ? ` (${reason})` : ''}.`;
  }

  function closeText(code, reason) {
    switch (code) {
      case 1001: return 'The host stopped its server.';
      case 1013: return 'The host is busy (viewer limit or too many attempts).';
      case 4000: return 'This viewer fell too far behind.';
      case 4001: return 'The connection stopped answering.';
      case 1006: return connects ? 'The connection was lost.' : 'The server cannot be reached.';
      default: return reason ? `The connection was closed (${reason}).` : 'The connection was closed.';
    }
  }

  // Exponential backoff: 0.5 s doubling to 10 s, a little jitter; reset by a hello.
  function scheduleRetry(reason) {
    clearTimers();
    state.reason = reason;
    const base = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** retries);
    const delay = Math.round(base * (0.9 + Math.random() * 0.1));
    const at = Date.now() + delay;
    retries += 1;
    const tick = () => setStatus('reconnecting', `Reconnecting in ${Math.max(1, Math.ceil((at - Date.now()) / 1000))} s — ${reason}`);
    tick();
    countdownTimer = setInterval(tick, 250);
    retryTimer = setTimeout(connect, delay);
  }

  function armSilence() {
    clearTimeout(silenceTimer);
    if (watchSilence) silenceTimer = setTimeout(() => { drop('silent'); scheduleRetry('No news from the server for a while.'); }, SILENCE_MS);
  }

  function onFrame(raw) {
    let f;
    try { f = JSON.parse(raw); } catch { return; }
    if (!f || typeof f !== 'object') return;
    armSilence();
    const major = (x) => Math.trunc(Number(x));
    if (major(f.v) !== PROTOCOL || (f.type === 'hello' && f.protocol != null && major(f.protocol) !== PROTOCOL)) {
      drop('protocol version');
      return refuse(`This server speaks viewer protocol version ${f.type === 'hello' && f.protocol != null ? f.protocol : f.v}; `
        + `this page understands version ${PROTOCOL}. Reload the page to get the matching viewer.`);
    }
    const seq = Number(f.seq);
    switch (f.type) {
      case 'hello':
        connects += 1;
        retries = 0; // the backoff starts over
        lastSeq = seq || 0;
        Object.assign(state, { server: f.server || '', viewer: f.viewer ?? null });
        watchSilence = (f.capabilities || []).includes('metrics');
        armSilence();
        return setStatus('connected', `Connected${state.server ? ` to ${state.server}` : ''}`);
      case 'snapshot':
        applySnapshot(f);
        lastSeq = seq || 0;
        gotSnapshot = true;
        return render();
      case 'error':
        return setText($('notice'), f.message || f.code || '');
    }
    if (!gotSnapshot || !Number.isFinite(seq) || seq <= lastSeq) return; // already in the snapshot
    if (seq !== lastSeq + 1) { // missed something: start over from a fresh snapshot
      drop('missed events');
      return scheduleRetry(`Missed events ${lastSeq + 1}–${seq - 1}: fetching a fresh snapshot.`);
    }
    lastSeq = seq;
    if (handlers[f.type]) handlers[f.type](f), scheduleRender();
  }

  window.addEventListener('online', () => { if (retryTimer) connect(); });

  // ---- rendering: cheap, keyed, at most once per frame --------------------------------------
  let renderPending = false, raf = 0, fallback = 0;
  let userPicked = false, sidebarSig = '';
  let shownId = null;          // 'debate:1' or 'chat:3' currently laid out in the main area
  const seatCards = new Map(); // seat number -> card elements of the shown debate
  const sigs = {};             // last rendered signature per section

  function scheduleRender() {
    if (renderPending) return;
    renderPending = true;
    raf = requestAnimationFrame(render);
    fallback = setTimeout(render, 250); // background tabs get no animation frames
  }

  function render() {
    cancelAnimationFrame(raf);
    clearTimeout(fallback);
    renderPending = false;
    pickSelection();
    renderSidebar();
    renderMain();
    renderFooter();
  }

  // Follows the newest running debate until the viewer picks something themselves.
  function pickSelection() {
    const sel = state.selected;
    const exists = sel && (sel.kind === 'debate' ? debateOf(sel.id) : chatOf(sel.id));
    if (exists && userPicked) return;
    const running = findLast(state.debates, (d) => !d.outcome && d.phase !== 'interrupted');
    const pick = running || (exists ? null : state.debates[state.debates.length - 1]);
    if (pick) state.selected = { kind: 'debate', id: pick.debate.debate_id };
    else if (!exists) state.selected = state.chats[0] ? { kind: 'chat', id: state.chats[0].conversation_id } : null;
  }

  function sideItem(kind, id, title, chip, phase, sub) {
    const li = el('li');
    const button = el('button', 'side-item');
    button.type = 'button';
    if (state.selected?.kind === kind && state.selected.id === id) button.setAttribute('aria-current', 'true');
    const tag = el('span', 'chip', chip);
    tag.dataset.phase = phase;
    button.append(el('span', 'side-title-text', title), box('span', 'side-meta', tag, el('span', 'muted', sub)));
    button.addEventListener('click', () => { state.selected = { kind, id }; userPicked = true; render(); $('main').scrollTop = 0; });
    li.append(button);
    return li;
  }

  function renderSidebar() {
    const sig = JSON.stringify([state.selected, state.debates.map((d) => [d.debate.debate_id, d.debate.question, d.phase, roundText(d)]),
      state.chats.map((c) => [c.conversation_id, c.title, c.messages.length, !!c.live])]);
    if (sig === sidebarSig) return;
    sidebarSig = sig;
    const debates = [...state.debates].reverse().map((d) =>
      sideItem('debate', d.debate.debate_id, d.debate.question || 'Untitled debate', PHASES[d.phase] || d.phase, d.phase, roundText(d)));
    const chats = state.chats.map((c) =>
      sideItem('chat', c.conversation_id, c.title || 'Shared chat', c.live ? 'Replying' : 'Chat', c.live ? 'running' : 'chat',
        `${c.messages.length} message${c.messages.length === 1 ? '' : 's'}`));
    $('debate-list').replaceChildren(...(debates.length ? debates : [el('li', 'side-empty', 'No debates yet')]));
    $('chat-list').replaceChildren(...(chats.length ? chats : [el('li', 'side-empty', 'No shared chats')]));
  }

  function renderMain() {
    const sel = state.selected;
    const d = sel?.kind === 'debate' ? debateOf(sel.id) : null;
    const c = sel?.kind === 'chat' ? chatOf(sel.id) : null;
    const id = d ? `debate:${sel.id}` : c ? `chat:${sel.id}` : null;
    if (id !== shownId) { // a different thing: lay it out from scratch
      shownId = id;
      seatCards.clear();
      for (const k of Object.keys(sigs)) delete sigs[k];
      for (const list of ['seats', 'transcript', 'chat-messages']) $(list).replaceChildren();
    }
    $('debate-view').hidden = !d;
    $('chat-view').hidden = !c;
    $('empty-view').hidden = !!(d || c);
    const refused = state.connection === 'refused';
    setText($('empty-title'), refused ? 'This viewer cannot connect' : 'Nothing to watch yet');
    setText($('empty-text'), refused ? state.reason : 'Debates and shared chats appear here as soon as they start on the host.');
    if (d) renderDebate(d);
    if (c) renderChat(c);
  }

  function roundText(d) {
    const measured = d.consensus.reduce((m, c) => Math.max(m, c.round || 0), 0);
    const closing = !d.round || d.outcome || d.round.phase === 'synthesis';
    const n = closing ? Math.max(measured, d.outcome?.rounds || 0) : d.round.round;
    const max = Math.max(Number(d.round?.max_rounds || d.debate.max_rounds) || 0, n);
    return n ? `Round ${n} of ${max}` : 'Not started';
  }

  function turnLabel(t) {
    const base = !t.kind || t.kind === 'turn' ? `Round ${t.round}` : (KINDS[t.kind] || t.kind);
    return t.status && t.status !== 'complete' ? `${base} · ${t.status}` : base;
  }

  function renderDebate(d) {
    const info = d.debate;
    setText($('debate-question'), info.question || 'Untitled debate');
    document.title = `${info.question || 'Debate'} · Roundtable`;
    setText($('phase'), PHASES[d.phase] || d.phase);
    $('phase').dataset.phase = d.phase;
    setText($('round'), roundText(d));
    const rp = d.round && !d.outcome ? d.round.phase : '';
    setText($('round-phase'), rp ? ROUND_PHASES[rp] || rp : '');
    setText($('debate-format'), [info.format && `${info.format} format`, info.threshold && `needs ${pct(info.threshold)} to agree`].filter(Boolean).join(' · '));

    const banner = $('pause-banner');
    const text = d.phase === 'paused' ? `Paused — ${d.pause?.message || d.pause?.reason || 'the host paused the debate.'}`
      : d.phase === 'interrupted' ? 'Interrupted — the host can resume this debate later.' : '';
    banner.hidden = !text;
    banner.dataset.kind = d.phase;
    setText(banner, text);

    renderResult(d);
    renderConsensus(d);
    renderSeats(d);
    renderTranscript(d);
  }

  function renderResult(d) {
    const o = d.outcome;
    if (($('result').hidden = !o)) return;
    $('result').dataset.status = o.status || 'finished';
    const failed = o.status === 'failed';
    setText($('result-title'), failed ? 'The debate failed' : 'Result');
    setText($('result-answer'), o.answer || (failed ? 'No answer' : 'No clear answer'));
    setText($('result-score'), `${pct(o.score)} agreement`);
    const detail = [o.stop_detail && `Ended ${o.stop_detail}`, o.verdict_winner && `Winner: ${o.verdict_winner}.`, o.error?.message].filter(Boolean);
    setText($('result-detail'), detail.join(' '));
    $('result-synthesis-block').hidden = !o.synthesis;
    setText($('result-synthesis'), o.synthesis || '');
    setText($('result-synthesis-by'), o.synthesis_by ? ` · by ${o.synthesis_by}` : '');
    const dissent = o.dissent || [];
    $('result-dissent-block').hidden = !dissent.length;
    const sig = JSON.stringify(dissent);
    if (sigs.dissent === sig) return;
    sigs.dissent = sig;
    $('result-dissent').replaceChildren(...dissent.map((x) => {
      const li = el('li');
      li.append(el('strong', null, x.agent || `Seat ${x.seat}`), ` — ${x.answer || 'no answer'}${x.confidence != null ? ` (${pct(x.confidence)})` : ''}`);
      if (x.reasons?.length) li.append(el('span', 'muted', `: ${x.reasons.join('; ')}`));
      return li;
    }));
  }

  function renderConsensus(d) {
    const last = d.consensus[d.consensus.length - 1];
    const threshold = Number(last?.threshold ?? d.debate.threshold ?? 0);
    setText($('consensus-score'), last ? pct(last.score) : '–');
    $('consensus-score').classList.toggle('none', !last);
    setText($('consensus-needs'), threshold ? `needs ${pct(threshold)}` : '');
    const fill = $('meter-fill');
    fill.style.width = last ? pct(last.score) : '0%';
    fill.dataset.reached = String(!!last?.reached);
    $('meter-mark').style.left = pct(threshold);
    setText($('consensus-leading'), !last ? 'Measured after each round.'
      : `${last.reached ? 'Agreed' : 'Leading'}: ${last.leading_answer || '—'}${last.unanimous ? ' · unanimous' : last.tie ? ' · tie' : ''}`);
    const groups = last?.groups || [];
    const sig = JSON.stringify(groups);
    if (sigs.groups !== sig) {
      sigs.groups = sig;
      $('consensus-groups').replaceChildren(...groups.map((g) =>
        box('li', null, el('strong', null, g.answer || '—'), el('span', 'muted', ` ${(g.agents || []).join(', ')}`))));
    }
    renderChart(d, threshold);
  }

  // Hand-drawn SVG: the score of every round, the threshold as a dashed line.
  function renderChart(d, threshold) {
    const points = d.consensus.filter((c) => c.round > 0).map((c) => [c.round, clamp01(c.score), !!c.reached]);
    const max = Math.max(Number(d.debate.max_rounds) || 1, ...points.map((p) => p[0]));
    const sig = JSON.stringify([max, threshold, points]);
    if (sigs.chart === sig) return;
    sigs.chart = sig;
    const W = 560, H = 168, L = 44, R = 40, T = 34, B = 26; // plot area inside the margins
    const x = (r) => (max <= 1 ? (L + W - R) / 2 : L + 24 + ((r - 1) / (max - 1)) * (W - L - R - 48));
    const y = (s) => T + (1 - s) * (H - T - B);
    const svg = (tag, attrs, text) => {
      const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
      for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
      if (text != null) node.textContent = text;
      return node;
    };
    const describe = points.length ? points.map(([r, s]) => `round ${r}: ${pct(s)}`).join(', ') : 'no round measured yet';
    const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': `Consensus per round, ${describe}; threshold ${pct(threshold)}.` });
    root.append(svg('text', { class: 'caption', x: L, y: 12 }, 'Score per round'));
    for (const s of [0, 0.5, 1]) {
      root.append(svg('line', { class: 'grid', x1: L, x2: W - R, y1: y(s), y2: y(s) }));
      root.append(svg('text', { class: 'axis', x: L - 8, y: y(s) + 4, 'text-anchor': 'end' }, pct(s)));
    }
    for (let r = 1; r <= max; r++) root.append(svg('text', { class: 'axis', x: x(r), y: H - 6, 'text-anchor': 'middle' }, max <= 6 ? `Round ${r}` : r));
    if (threshold > 0) { // the legend sits above the plot, so no label can collide with it
      root.append(svg('line', { class: 'threshold', x1: L, x2: W - R, y1: y(threshold), y2: y(threshold) }));
      root.append(svg('line', { class: 'threshold', x1: W - R - 118, x2: W - R - 96, y1: 8, y2: 8 }));
      root.append(svg('text', { class: 'axis', x: W - R, y: 12, 'text-anchor': 'end' }, `threshold ${pct(threshold)}`));
    }
    if (points.length > 1) {
      const line = points.map(([r, s]) => `${x(r)},${y(s)}`).join(' ');
      root.append(svg('polygon', { class: 'area', points: `${x(points[0][0])},${y(0)} ${line} ${x(points[points.length - 1][0])},${y(0)}` }));
      root.append(svg('polyline', { class: 'line', points: line }));
    }
    for (const [r, s, reached] of points) {
      const dot = svg('circle', { class: reached ? 'dot reached' : 'dot', cx: x(r), cy: y(s), r: 5 });
      dot.append(svg('title', {}, `Round ${r}: ${pct(s)}`));
      // The value goes beside its dot, on the side away from the threshold line.
      const left = max > 1 && r === max;
      root.append(dot, svg('text', { class: 'value', x: x(r) + (left ? -10 : 10), y: y(s) + (s >= threshold ? -6 : 14), 'text-anchor': left ? 'end' : 'start' }, pct(s)));
    }
    $('chart').replaceChildren(root);
  }

  function makeSeatCard() {
    const c = { avatar: el('span', 'avatar'), name: el('h3', 'seat-name'), meta: el('p', 'seat-meta'), label: el('p', 'seat-label'),
      status: el('span', 'seat-status'), text: el('div', 'seat-text'), answer: el('p', 'stance-answer'), fill: el('span', 'conf-fill'),
      confText: el('span', 'conf-text'), changed: el('span', 'badge', 'changed position'), points: el('ul', 'points') };
    c.avatar.setAttribute('aria-hidden', 'true');
    c.conf = box('div', 'conf', box('span', 'conf-bar', c.fill), c.confText);
    c.stance = box('section', 'stance', c.answer, c.conf, c.points);
    c.stance.setAttribute('aria-label', 'Stance');
    c.root = box('article', 'seat', box('header', 'seat-head', c.avatar, box('div', 'seat-who', c.name, c.meta)),
      box('div', 'seat-sub', c.label, c.status), c.text, c.stance);
    return c;
  }

  function renderSeats(d) {
    const seats = [...(d.debate.seats || [])].sort((a, b) => a.seat - b.seat);
    for (const [n, card] of seatCards) if (!seats.some((s) => s.seat === n)) card.root.remove(), seatCards.delete(n);
    for (const seat of seats) {
      let card = seatCards.get(seat.seat);
      if (!card) seatCards.set(seat.seat, (card = makeSeatCard())), $('seats').append(card.root);
      updateSeat(card, seat, d);
    }
  }

  function updateSeat(c, seat, d) {
    const live = d.live.find((l) => l.turn.seat === seat.seat);
    const last = findLast(d.turns, (t) => t.seat === seat.seat);
    const shown = live ? live.turn : last;
    c.root.dataset.seat = seat.seat;
    c.root.dataset.role = seat.seat_role || 'debater';
    c.root.style.setProperty('--seat', colourOf(seat.colour, seat.seat));
    c.root.setAttribute('aria-label', seat.name || `Seat ${seat.seat}`);
    setText(c.avatar, (seat.name || '?').trim().charAt(0).toUpperCase());
    setText(c.name, seat.name || `Seat ${seat.seat}`);
    const roles = [...new Set([seat.role, seat.seat_role !== 'debater' && seat.seat_role].filter(Boolean))];
    setText(c.meta, [shown?.model || seat.model, ...roles].filter(Boolean).join(' · '));
    const status = live ? (live.attempt > 1 ? 'repairing' : 'speaking') : last ? (last.status === 'failed' ? 'failed' : 'done') : 'waiting';
    c.root.dataset.status = status;
    setText(c.status, { repairing: 'Repairing…', speaking: 'Speaking…', failed: 'Failed', done: 'Done', waiting: 'Waiting' }[status]);
    setText(c.label, shown ? turnLabel(shown) + (live?.attempt > 1 ? ' · second attempt' : '') : '');
    const stick = nearBottom(c.text);
    const body = live ? live.text : last ? last.text || last.error || '' : '';
    c.text.classList.toggle('streaming', !!live);
    c.text.classList.toggle('placeholder', !body && !live);
    setText(c.text, body || (live ? '' : seat.seat_role === 'synthesizer' ? 'Speaks when the rounds are over.' : 'Waiting for its turn.'));
    if (live && stick) c.text.scrollTop = c.text.scrollHeight;

    const s = !live && last?.stance;
    c.stance.hidden = !(s && (s.answer || s.confidence != null));
    if (c.stance.hidden) return;
    setText(c.answer, s.answer || 'no answer');
    if (last.changed) c.answer.append(c.changed);
    const hasConf = s.confidence != null;
    c.conf.hidden = !hasConf;
    c.fill.style.width = pct(s.confidence);
    setText(c.confText, hasConf ? `${pct(s.confidence)} confident` : '');
    const sig = JSON.stringify(s.key_points || []);
    if (c.pointsSig !== sig) c.pointsSig = sig, c.points.replaceChildren(...(s.key_points || []).map((p) => el('li', null, p)));
  }

  // Finished turns in order, each note placed by round and time, a header per round.
  function transcriptEntries(d) {
    const out = [];
    let n = 0, group = '';
    const noteFirst = (note, t) => (note.round ?? 0) < (t.round ?? 0)
      || ((note.round ?? 0) === (t.round ?? 0) && note.created_at && t.created_at && note.created_at < t.created_at);
    const pushNote = () => { out.push({ key: `n${n}`, note: d.notes[n] }); n += 1; };
    for (const t of d.turns) {
      while (n < d.notes.length && noteFirst(d.notes[n], t)) pushNote();
      const label = !t.kind || t.kind === 'turn' ? `Round ${t.round}` : 'Closing';
      if (label !== group) out.push({ key: `h${(group = label)}`, header: label });
      out.push({ key: `t${t.index}:${t.status}`, turn: t });
    }
    while (n < d.notes.length) pushNote();
    return out;
  }

  function renderTranscript(d) {
    const entries = transcriptEntries(d);
    const list = $('transcript');
    const have = [...list.children].map((li) => li.dataset.key);
    const keep = have.every((k, i) => entries[i]?.key === k) ? have.length : 0; // append-only unless the past changed
    if (!keep) list.replaceChildren();
    for (const e of entries.slice(keep)) {
      const li = e.turn ? turnEntry(e.turn, d) : e.note ? noteEntry(e.note) : el('li', 'entry-round', e.header);
      li.dataset.key = e.key;
      list.append(li);
    }
    $('transcript-empty').hidden = entries.length > 0;
  }

  function turnEntry(t, d) {
    const seat = (d.debate.seats || []).find((s) => s.seat === t.seat) || {};
    const li = el('li', 'entry turn');
    li.dataset.turnIndex = t.index;
    li.style.setProperty('--seat', colourOf(t.colour || seat.colour, t.seat));
    const head = el('p', 'entry-head');
    head.append(el('span', 'dot'), el('strong', null, t.agent || seat.name || `Seat ${t.seat}`),
      el('span', 'muted', `${turnLabel(t)}${t.model ? ` · ${t.model}` : ''}`));
    const s = t.stance;
    if (s && s.answer) head.append(el('span', 'chip answer', `${s.answer}${s.confidence != null ? ` · ${pct(s.confidence)}` : ''}`));
    if (t.changed) head.append(el('span', 'badge', 'changed position'));
    li.append(head, el('p', 'entry-text', t.text || t.error || ''));
    return li;
  }

  function noteEntry(note) {
    const li = el('li', 'entry note');
    li.dataset.kind = note.kind || 'info';
    const head = el('p', 'entry-head');
    head.append(el('strong', null, NOTES[note.kind] || note.kind || 'Note'));
    if (note.agent) head.append(el('span', 'muted', note.agent));
    if (note.round > 0) head.append(el('span', 'muted', `Round ${note.round}`));
    li.append(head, el('p', 'entry-text', note.text || ''));
    return li;
  }

  function renderChat(c) {
    setText($('chat-title'), c.title || 'Shared chat');
    setText($('chat-model'), c.model || '');
    const main = $('main');
    const stick = nearBottom(main);
    const list = $('chat-messages');
    if (sigs.messages !== c.messages || sigs.count !== c.messages.length) { // messages are only ever appended
      Object.assign(sigs, { messages: c.messages, count: c.messages.length, liveBubble: null });
      list.replaceChildren(...c.messages.map((m) => bubble(m.role, m.content, m.model)));
    }
    if (c.live) {
      if (!sigs.liveBubble) list.append((sigs.liveBubble = bubble('assistant', '', c.live.model)));
      const text = sigs.liveBubble.querySelector('.bubble-text');
      text.classList.add('streaming');
      setText(text, c.live.text);
    } else if (sigs.liveBubble) {
      sigs.liveBubble = sigs.liveBubble.remove();
    }
    if (stick) main.scrollTop = main.scrollHeight;
  }

  function bubble(role, content, model) {
    const li = box('li', 'bubble', el('p', 'bubble-who', role === 'user' ? 'User' : model || 'Assistant'), el('p', 'bubble-text', content || ''));
    li.dataset.role = role || 'assistant';
    return li;
  }

  function renderFooter() {
    const m = state.metrics;
    setText($('metric-status'), m ? `Server ${m.status || 'unknown'}` : '');
    $('metric-status').dataset.status = m?.status || '';
    setText($('metric-tps'), m ? `${(Number(m.tokens_per_second) || 0).toFixed(1)} tokens/s` : '');
    setText($('metric-viewers'), m ? `${m.viewers ?? 0} viewer${m.viewers === 1 ? '' : 's'}` : '');
  }

  render();
  connect();
})();
