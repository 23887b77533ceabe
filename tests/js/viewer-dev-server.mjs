// Development stand-in for Roundtable's remote viewer server (docs/remote-protocol.md,
// version 1). Serves resources/viewer and, on /ws, replays a scripted debate
// (3 debaters + synthesizer, 2 rounds) and a shared chat, so the viewer page can be
// built and checked without the C++ server. Not used by the product.
//
// Usage: node viewer-dev-server.mjs [--port 8787|0] [--host 127.0.0.1] [--token HEX]
//          [--dir resources/viewer] [--speed 1] [--loop] [--max-seconds N] [--quiet]
// Prints "listening on http://HOST:PORT/?token=TOKEN" once ready. Needs the npm
// package `ws`, found next to this file or in the current directory's node_modules.
//
// Development hooks (GET): /_dev/gap (the next event skips a seq number),
// /_dev/replay (resend the last event), /_dev/close?code=4000&reason=... (close
// every viewer), /_dev/version?v=2 (a frame of another protocol version),
// /_dev/state (the snapshot as JSON).
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const { WebSocketServer } = await import('ws').catch(() => createRequire(path.join(process.cwd(), 'noop.js'))('ws'));

// ---- options --------------------------------------------------------------------
const argv = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : fallback;
};
const here = path.dirname(fileURLToPath(import.meta.url));
const HOST = opt('host', '127.0.0.1');
const PORT = Number(opt('port', 8787));
const TOKEN = opt('token', crypto.randomBytes(16).toString('hex'));
const DIR = path.resolve(opt('dir', path.join(here, '..', '..', 'resources', 'viewer')));
const SPEED = Math.max(0.1, Number(opt('speed', 1)));
const LOOP = argv.includes('--loop');
const QUIET = argv.includes('--quiet');
const MAX_SECONDS = Number(opt('max-seconds', 0));
const log = (...a) => QUIET || console.error('[dev-server]', ...a);

// Deterministic randomness so every run streams the same way.
let rngState = 0x2f6e2b1;
const rand = () => {
  rngState = (rngState + 0x6d2b79f5) | 0;
  let t = Math.imul(rngState ^ (rngState >>> 15), 1 | rngState);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms / SPEED));

// ---- the event stream and the snapshot it builds -------------------------------------
let seq = 0;
let skipNext = false;
let lastBytes = null;
const debates = []; // snapshot entries: {debate, phase, round, turns, live, consensus, notes, pause, outcome}
const chats = []; // {conversation_id, title, model, messages, live}
const metrics = { status: 'healthy', tokens_per_second: 0, viewers: 0, active_streams: 0 };
const viewers = new Set();
let viewerCount = 0;

function emit(type, payload) {
  if (skipNext) { seq += 1; skipNext = false; } // /_dev/gap: a viewer must notice and resync
  seq += 1;
  lastBytes = JSON.stringify({ v: 1, type, seq, ...payload });
  for (const v of viewers) if (v.ready) v.ws.send(lastBytes);
}
const snapshot = () => ({ v: 1, type: 'snapshot', seq, debates, chats, metrics });

// ---- token batches: every 50 ms, one frame with what every stream produced ----------
const streams = new Set(); // {debate_id, seat, index, attempt, live, words, pos, done} or {chat, ...}
let wordsThisWindow = 0;
const recentWords = [];
setInterval(() => {
  const deltas = [];
  const chatDeltas = [];
  for (const s of streams) {
    const n = 1 + Math.floor(rand() * 3 * SPEED);
    const text = s.words.slice(s.pos, s.pos + n).join('');
    s.pos += n;
    wordsThisWindow += n;
    if (s.chat) {
      s.chat.live.text += text;
      chatDeltas.push({ conversation_id: s.chat.conversation_id, text });
    } else {
      s.live.text += text;
      deltas.push({ debate_id: s.debate_id, seat: s.seat, index: s.index, text, attempt: s.attempt });
    }
    if (s.pos >= s.words.length) { streams.delete(s); s.done(); }
  }
  if (deltas.length || chatDeltas.length) emit('tokens', { due: Date.now(), deltas, chats: chatDeltas });
}, 50);

function stream(fields) {
  return new Promise((done) => streams.add({ ...fields, pos: 0, words: fields.text.split(/(?<=\s)/), done }));
}

setInterval(() => {
  recentWords.push(wordsThisWindow);
  wordsThisWindow = 0;
  if (recentWords.length > 2) recentWords.shift();
  Object.assign(metrics, {
    tokens_per_second: Math.round((recentWords.reduce((a, b) => a + b, 0) / (2 * recentWords.length)) * 1.3 * 10) / 10,
    viewers: [...viewers].filter((v) => v.ready).length,
    active_streams: streams.size,
  });
  emit('metrics', { metrics: { ...metrics } });
}, 2000);

// ---- the scripted debate ------------------------------------------------------------
const QUESTION = 'Should a five-person startup keep all its services in a single monorepo?';
const SEATS = [
  { seat: 0, name: 'Proponent', role: 'proponent', seat_role: 'debater', colour: '#43A047', model: 'llama3.2:1b' },
  { seat: 1, name: 'Skeptic', role: 'skeptic', seat_role: 'debater', colour: '#FB8C00', model: 'qwen2.5:1.5b' },
  { seat: 2, name: 'Pragmatist', role: 'pragmatist', seat_role: 'debater', colour: '#6D4C41', model: 'gemma2:2b' },
  { seat: 3, name: 'Synthesizer', role: 'synthesizer', seat_role: 'synthesizer', colour: '#00897B', model: 'llama3.2:1b', implicit: true },
].map((s) => ({ fallback_models: [], implicit: false, weight: 1, ...s }));

// Round 1 and 2 replies per seat: [text, answer, confidence, key points, changed].
const SCRIPT = [
  [
    ['A single repository keeps five people on one version of the truth. Atomic commits across services, one CI configuration and shared tooling remove a whole class of "works with the old client" bugs, and code review sees the full change at once. At this size the tooling cost is close to zero.',
      'yes', 0.82, ['Atomic cross-service changes', 'One CI and toolchain', 'Reviews see the whole change']],
    ['I am not convinced. A monorepo couples release cadences: one flaky test blocks every deploy, and access control becomes all or nothing. Teams that later split the repository pay a painful migration. The real question is whether these services share code at all.',
      'no', 0.64, ['Coupled releases', 'Coarse access control', 'Costly to split later']],
    ['In practice the answer depends on how much code is shared. With five people and a handful of services that share models and build scripts, one repository with per-service CI paths is the cheap default; revisit it when the team or the build time doubles.',
      'yes', 0.71, ['Shared code favours one repo', 'Path-filtered CI avoids coupling', 'Revisit at 2x team size']],
  ],
  [
    ['The Skeptic is right that a flaky test can block everyone, so pair the monorepo with path-filtered pipelines and a quarantine for flaky tests. With that, the coupling cost is small and the benefits of atomic changes remain.',
      'yes', 0.86, ['Path-filtered pipelines', 'Quarantine flaky tests', 'Keep atomic changes'], false],
    ['Given path-filtered CI and the fact that these services share their data models, my objections mostly go away. I still want CODEOWNERS rules so ownership stays explicit, but I now lean towards a single repository.',
      'yes', 0.68, ['Shared data models tip the balance', 'Use CODEOWNERS for ownership'], true],
    ['We agree on the shape: one repository, per-service pipelines, explicit owners, and a review of the decision when the team grows. That is cheap to adopt today and cheap to undo.',
      'yes', 0.79, ['One repo, per-service pipelines', 'Explicit owners', 'Review when the team grows'], false],
  ],
];
const SYNTHESIS = 'The table agrees: a five-person startup should keep its services in one repository, because shared data models and atomic cross-service changes outweigh the coupling risk at this size. The Skeptic\'s concerns are met with path-filtered CI, a quarantine for flaky tests and CODEOWNERS rules; the decision should be revisited when the team or the build time doubles.';

let nextDebateId = 1;
let turnIds = 100;

function turnInfo(d, seat, index, round, kind) {
  return { debate_id: d.debate.debate_id, index, round, seat: seat.seat, agent: seat.name, seat_role: seat.seat_role,
    colour: seat.colour, model: seat.model, kind, correlation_id: `t-${String(++turnIds).padStart(6, '0')}` };
}

async function speak(d, seat, index, round, kind, text, stance, changed = false, repair = null) {
  const info = turnInfo(d, seat, index, round, kind);
  const live = { turn: info, text: '', attempt: 1 };
  d.live.push(live);
  emit('turn_started', { turn: info });
  const started = Date.now();
  if (repair) { // attempt 1 goes wrong, attempt 2 replaces it
    await stream({ debate_id: info.debate_id, seat: seat.seat, index, attempt: 1, live, text: repair });
    live.text = '';
    live.attempt = 2;
  }
  await stream({ debate_id: info.debate_id, seat: seat.seat, index, attempt: live.attempt, live, text });
  d.live.splice(d.live.indexOf(live), 1);
  const record = { ...info, id: ++turnIds, text, content: JSON.stringify({ argument: text, stance }),
    stance: stance ? { source: 'json', ...stance } : null, parse_ok: !!stance, changed, repair_requested: !!repair,
    status: 'complete', calls: repair ? 2 : 1, prompt_tokens: 380 + index * 40, eval_tokens: text.split(/\s+/).length * 2,
    ttft_ms: 90 + Math.round(rand() * 60), wall_ms: Date.now() - started, total_duration_ns: (Date.now() - started) * 1e6,
    created_at: new Date().toISOString() };
  d.turns.push(record);
  emit('turn_finished', { turn: record });
}

function consensus(d, round, score, reached, groups) {
  const c = { debate_id: d.debate.debate_id, round, score, threshold: 0.8, groups, leading_answer: groups[0].answer,
    mean_confidence: 0.74, stances: 3, missing: 0, flips: round > 1 ? 1 : 0, unanimous: score >= 1, reached, tie: false, method: 'exact' };
  d.consensus.push(c);
  emit('consensus', { consensus: c });
}

function note(d, kind, round, text, seat = -1, agent = '') {
  const n = { debate_id: d.debate.debate_id, kind, round, seat, agent, text, created_at: new Date().toISOString() };
  d.notes.push(n);
  emit('note', { note: n });
}

async function runDebate() {
  const id = nextDebateId++;
  const debate = { debate_id: id, question: QUESTION, format: 'simultaneous', max_rounds: 2, threshold: 0.8, resumed: false,
    finished_turns: 0, seats: SEATS, settings: { question: QUESTION, format: 'simultaneous', max_rounds: 2, consensus_threshold: 0.8 } };
  const d = { debate, phase: 'starting', round: null, turns: [], live: [], consensus: [], notes: [], pause: null, outcome: null };
  debates.push(d);
  while (debates.filter((x) => x.outcome).length > 10) debates.splice(debates.findIndex((x) => x.outcome), 1);
  emit('debate_started', { debate });
  d.phase = 'running';
  const debaters = SEATS.slice(0, 3);
  let index = 0;
  for (let round = 1; round <= 2; round++) {
    d.round = { debate_id: id, round, max_rounds: 2, phase: round === 1 ? 'answers' : 'revision', speakers: debaters.map((s) => s.name) };
    emit('round_started', { round: d.round });
    if (round === 2) { // the host pauses for a moment before round 2
      await sleep(400);
      d.pause = { debate_id: id, reason: 'user', message: 'The host paused the debate.', error_code: '' };
      d.phase = 'paused';
      emit('paused', { pause: d.pause });
      await sleep(2500);
      d.pause = null;
      d.phase = 'running';
      emit('resumed', { debate_id: id });
    }
    await Promise.all(debaters.map((seat, i) => {
      const [text, answer, confidence, key_points, changed] = SCRIPT[round - 1][i];
      const repair = round === 2 && i === 1 ? 'Given path-filtered CI {"answer": "yes", "confid' : null;
      return sleep(i * 300).then(() => speak(d, seat, index + i, round, 'turn', text, { answer, confidence, key_points }, !!changed, repair));
    }));
    index += debaters.length;
    if (round === 1) {
      consensus(d, 1, 0.67, false, [{ answer: 'yes', key: 'yes', seats: [0, 2], agents: ['Proponent', 'Pragmatist'], support: 2, mean_confidence: 0.77 },
        { answer: 'no', key: 'no', seats: [1], agents: ['Skeptic'], support: 1, mean_confidence: 0.64 }]);
      note(d, 'interjection', 1, 'Consider what it would cost to split the repository later.');
    } else {
      consensus(d, 2, 1, true, [{ answer: 'yes', key: 'yes', seats: [0, 1, 2], agents: ['Proponent', 'Skeptic', 'Pragmatist'], support: 3, mean_confidence: 0.78 }]);
    }
    await sleep(600);
  }
  d.round = { debate_id: id, round: 3, max_rounds: 2, phase: 'synthesis', speakers: ['Synthesizer'] };
  emit('round_started', { round: d.round });
  await speak(d, SEATS[3], index, 3, 'synthesis', SYNTHESIS, null);
  d.outcome = { debate_id: id, status: 'finished', stop_reason: 'unanimous', stop_detail: 'after 2 round(s), because all agents agreed.',
    answer: 'yes', score: 1, mean_confidence: 0.78, tie: false, synthesis: SYNTHESIS, synthesis_by: 'Synthesizer',
    dissent: [], rounds: 2, flips_per_round: [0, 1], prompt_tokens: 3120, eval_tokens: 1460, calls: 8, duration_ms: 21000 };
  d.phase = 'finished';
  d.round = null;
  emit('finished', { outcome: d.outcome });
}

async function runChat() {
  const chat = { conversation_id: 3, title: 'Rust or Go for a CLI tool?', model: 'llama3.2:1b', messages: [], live: null };
  chats.push(chat);
  emit('chat_shared', { chat });
  await sleep(800);
  const ask = async (question, reply) => {
    const user = { role: 'user', content: question };
    chat.messages.push(user);
    emit('chat_message', { conversation_id: 3, message: user });
    await sleep(500);
    chat.live = { model: chat.model, text: '' };
    emit('chat_reply_started', { conversation_id: 3, model: chat.model });
    await stream({ chat, text: reply });
    const answer = { role: 'assistant', content: reply, model: chat.model };
    chat.live = null;
    chat.messages.push(answer);
    emit('chat_message', { conversation_id: 3, message: answer });
  };
  await ask('Rust or Go for a small command-line tool?',
    'Both work well. Go compiles fast and cross-compiles trivially, which suits a small internal tool. Rust gives you smaller binaries, no garbage collector and stronger guarantees, at the cost of a slower edit-compile loop. For a quick tool your team maintains, Go is the pragmatic pick.');
  await sleep(1500);
  await ask('And if it parses large log files?',
    'Then Rust has the edge: zero-copy parsing with predictable memory use matters when the files are large.');
}

async function script() {
  await sleep(500);
  runChat();
  do {
    await runDebate();
    if (LOOP) await sleep(8000);
  } while (LOOP);
}

// ---- HTTP: the three files and the dev hooks ----------------------------------------------
const FILES = { '/': ['index.html', 'text/html'], '/viewer.js': ['viewer.js', 'text/javascript'], '/viewer.css': ['viewer.css', 'text/css'] };
const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  const send = (code, type, body) => {
    res.writeHead(code, { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
    res.end(body);
  };
  if (FILES[url.pathname]) {
    const [file, type] = FILES[url.pathname];
    fs.readFile(path.join(DIR, file), (err, data) => (err ? send(500, 'text/plain', String(err)) : send(200, type, data)));
  } else if (url.pathname === '/_dev/gap') {
    skipNext = true;
    send(200, 'text/plain', 'next event skips a seq\n');
  } else if (url.pathname === '/_dev/replay') {
    for (const v of viewers) if (v.ready && lastBytes) v.ws.send(lastBytes);
    send(200, 'text/plain', 'replayed\n');
  } else if (url.pathname === '/_dev/close') {
    for (const v of viewers) v.ws.close(Number(url.searchParams.get('code') || 1001), url.searchParams.get('reason') || 'server is stopping');
    send(200, 'text/plain', 'closed\n');
  } else if (url.pathname === '/_dev/version') {
    const bytes = JSON.stringify({ v: Number(url.searchParams.get('v') || 2), type: 'metrics', seq: seq + 1, metrics });
    for (const v of viewers) if (v.ready) v.ws.send(bytes);
    send(200, 'text/plain', 'sent a frame of another version\n');
  } else if (url.pathname === '/_dev/state') {
    send(200, 'application/json', JSON.stringify(snapshot()));
  } else {
    send(404, 'text/plain', 'not found\n');
  }
});

// ---- WebSocket: token, origin, read-only, heartbeat (docs/remote-protocol.md) -------------
const wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
server.on('upgrade', (req, socket, head) => {
  wss.handleUpgrade(req, socket, head, (ws) => {
    const url = new URL(req.url, 'http://x');
    const v = { ws, ready: false, commands: [], lastPong: Date.now() };
    viewers.add(v);
    ws.on('close', () => viewers.delete(v));
    ws.on('pong', () => { v.lastPong = Date.now(); });
    const origin = req.headers.origin;
    if (url.pathname !== '/ws') return ws.close(1008, 'unknown path');
    if (origin && new URL(origin).host !== req.headers.host) return ws.close(1008, 'origin not allowed');
    const admit = (token) => {
      if (token !== TOKEN) return ws.close(1008, 'invalid token');
      v.ready = true;
      ws.send(JSON.stringify({ v: 1, type: 'hello', seq, server: 'Roundtable dev-server', protocol: 1,
        capabilities: ['debates', 'chats', 'tokens', 'metrics'], batch_ms: 50, heartbeat_s: 15, viewer: ++viewerCount,
        time: new Date().toISOString() }));
      ws.send(JSON.stringify(snapshot()));
    };
    const authTimer = url.searchParams.has('token') ? null : setTimeout(() => ws.close(1008, 'token not sent in time'), 5000);
    ws.on('message', (data, binary) => {
      if (binary) return ws.close(1003, 'binary frames are not accepted');
      if (!v.ready && authTimer) {
        clearTimeout(authTimer);
        let f = null;
        try { f = JSON.parse(String(data)); } catch { /* handled below */ }
        return admit(f && f.type === 'auth' ? f.token : null);
      }
      const now = Date.now();
      v.commands = v.commands.filter((t) => now - t < 60000).concat(now);
      if (v.commands.length > 20) return ws.close(1008, 'too many commands');
      ws.send(JSON.stringify({ v: 1, type: 'error', seq, code: 'read_only', message: 'Viewers are read-only: nothing sent here changes the table.' }));
    });
    if (!authTimer) admit(url.searchParams.get('token'));
  });
});
setInterval(() => {
  for (const v of viewers) {
    if (Date.now() - v.lastPong > 30000) v.ws.close(4001, 'no answer to the heartbeat');
    else v.ws.ping();
  }
}, 15000);

server.listen(PORT, HOST, () => {
  const { port } = server.address();
  console.log(`listening on http://${HOST}:${port}/?token=${TOKEN}`);
  log(`serving ${DIR}`);
  script();
});
if (MAX_SECONDS > 0) setTimeout(() => process.exit(0), MAX_SECONDS * 1000).unref();
