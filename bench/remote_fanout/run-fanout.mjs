// bench-remote: fan-out of the remote viewer stream (docs/remote-protocol.md)
// to many viewers, against a small node `ws` broadcast server replaying the
// same stream in the same run. Prints figures; asserts nothing: it exits
// non-zero only when something breaks (a server does not start, the load
// cannot connect).
//
//   node run-fanout.mjs --roundtable PATH --sim PATH [--viewers 1000] [--paused 5] [--seconds 40]
//                       [--seat-tps 50] [--seats 9] [--workers N] [--batch 100] [--parse tail|json]
//                       [--visible all|argument] [--solo-seconds 3] [--drop-wait 65] [--rt-env NAME=VALUE]
//                       [--no-baseline] [--keep]
//
// 1. roundtable-ollama-sim paced at --seat-tps tokens/s per stream; the 9 seats
//    stream side by side (`roundtable debate --parallel`),
//    with a question whose answers are long sentences so the visible text
//    streams through most of each turn (--visible all: the whole reply is
//    visible, see below); one host with 9 slots.
// 2. `roundtable debate --serve 0`: the 9 built-in roles, simultaneous, 10
//    rounds, nobody persuadable (so it runs every round), HOME/XDG in a temp dir.
// 3. One recorder viewer (this process) keeps every frame with its receipt time.
//    --solo-seconds of the debate with only the recorder: the process's CPU
//    for running the debate itself.
// 4. load-viewers.mjs (a separate process, worker threads): --paused viewers
//    that stop reading, then --viewers viewers in batches. The measured window
//    (--seconds, or until the debate finishes) starts when all have their snapshot.
//    CPU (utime+stime from /proc/PID/stat and per thread) and RSS (VmHWM; VmRSS
//    sampled) of the roundtable process; the load's and the simulator's CPU.
// 5. After the window: up to --drop-wait seconds from the pause for the server
//    to drop the paused viewers (/metrics roundtable_viewer_dropped_total).
// 6. Baseline: baseline-server.mjs replays the recorder's frames of the window
//    at their original times to the same load (same viewers, same paused ones).
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, rmSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import WebSocket from 'ws';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name, fallback) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const flag = (name) => args.includes(`--${name}`);
if (flag('help') || flag('h')) {
    const lines = readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n');
    console.log(lines.slice(0, lines.findIndex((l) => !l.startsWith('//'))).map((l) => l.slice(3)).join('\n'));
    process.exit(0);
}
const cfg = {
    roundtable: opt('roundtable', join(here, '..', '..', 'bin', 'roundtable')),
    sim: opt('sim', join(here, '..', '..', 'bin', 'roundtable-ollama-sim')),
    viewers: parseInt(opt('viewers', '1000'), 10),
    paused: parseInt(opt('paused', '5'), 10),
    seconds: parseFloat(opt('seconds', '40')),
    seatTps: parseFloat(opt('seat-tps', '50')),
    seats: parseInt(opt('seats', '9'), 10),
    workers: opt('workers', null),
    batch: opt('batch', '100'),
    parse: opt('parse', 'tail'),
    visible: opt('visible', 'all') === 'argument' ? 'argument' : 'all',
    soloSeconds: parseFloat(opt('solo-seconds', '3')),
    dropWait: parseFloat(opt('drop-wait', '65')),
    baseline: !flag('no-baseline'),
    keep: flag('keep'),
    // --rt-env NAME=VALUE (repeatable): extra environment for roundtable, for
    // experiments such as QT_NO_GLIB=1 (Qt's own event dispatcher instead of glib's).
    rtEnv: args.flatMap((a, i) => (a === '--rt-env' && i + 1 < args.length ? [args[i + 1]] : [])),
};
// `roundtable debate --parallel` streams the seats of a round side by side,
// each at the simulator's pace: --seat-tps per stream.
const simTps = cfg.seatTps;
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (...a) => console.error('[bench-remote]', ...a);
const die = (msg) => {
    log(`FAILED: ${msg}`);
    cleanup();
    process.exit(1);
};

// ---- processes ----------------------------------------------------------------
const children = [];
const dir = mkdtempSync(join(tmpdir(), 'rt-fanout-'));
function cleanup() {
    for (const c of children) {
        if (c.exitCode === null && c.signalCode === null)
            c.kill('SIGKILL');
    }
    if (!cfg.keep)
        rmSync(dir, { recursive: true, force: true });
}
process.on('SIGINT', () => die('interrupted'));

function start(cmd, argv, options = {}) {
    const child = spawn(cmd, argv, { stdio: ['pipe', 'pipe', 'pipe'], ...options });
    children.push(child);
    child.on('error', (e) => die(`${cmd}: ${e.message}`));
    child.lines = [];
    child.waiters = [];
    const onLine = (line) => {
        child.lines.push(line);
        for (const w of [...child.waiters]) {
            const m = w.re.exec(line);
            if (m) {
                child.waiters.splice(child.waiters.indexOf(w), 1);
                w.resolve(m);
            }
        }
    };
    createInterface({ input: child.stdout }).on('line', (l) => {
        child.outLog?.write(l + '\n');
        onLine(l);
    });
    createInterface({ input: child.stderr }).on('line', (l) => {
        child.errLog?.write(l + '\n');
        onLine(l);
    });
    child.exited = new Promise((r) => child.on('exit', (code, sig) => r({ code, sig })));
    return child;
}
// Resolves with the regex match of the first line (stdout or stderr) that
// matches, past or future; rejects after timeoutMs or when the process exits.
function waitLine(child, re, timeoutMs, what) {
    for (const l of child.lines) {
        const m = re.exec(l);
        if (m)
            return Promise.resolve(m);
    }
    return new Promise((resolve, reject) => {
        const w = { re, resolve };
        child.waiters.push(w);
        setTimeout(() => reject(new Error(`no ${what} within ${timeoutMs / 1000} s`)), timeoutMs);
        child.exited.then(({ code, sig }) => reject(new Error(`exited (${code ?? sig}) before ${what}:\n  ${child.lines.slice(-8).join('\n  ')}`)));
    });
}
const jsonLines = (child, event, timeoutMs) =>
    waitLine(child, new RegExp(`^\\{"event":"${event}"`), timeoutMs, `"${event}"`).then((m) => JSON.parse(m.input));

// ---- /proc ----------------------------------------------------------------------
let clkTck = 100;
try {
    clkTck = parseInt(execFileSync('getconf', ['CLK_TCK']).toString(), 10) || 100;
} catch {}
function cpuTicks(statPath, which = 'both') {
    try {
        const s = readFileSync(statPath, 'utf8');
        const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
        // utime + stime (fields 14, 15)
        return which === 'user' ? +f[11] : which === 'sys' ? +f[12] : +f[11] + +f[12];
    } catch {
        return null;
    }
}
// Per thread: name, CPU ticks, and from schedstat the nanoseconds spent
// running and waiting for a CPU (runnable but not running: 2 cores shared).
function threadTicks(pid) {
    const out = {};
    try {
        for (const tid of readdirSync(`/proc/${pid}/task`)) {
            let name = '?';
            let run = 0;
            let wait = 0;
            try {
                name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
                [run, wait] = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').trim().split(' ').map(Number);
            } catch {}
            out[tid] = { name, main: tid === String(pid), ticks: cpuTicks(`/proc/${pid}/task/${tid}/stat`) ?? 0, run, wait };
        }
    } catch {}
    return out;
}
function status(pid, key) {
    try {
        const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
        return m ? +m[1] * 1024 : null;
    } catch {
        return null;
    }
}
// Bytes in the kernel's TCP queues of the connections to `port` (loopback):
// the server side's send queue (tx) and the viewer side's unread data (rx).
// A paused viewer's data piles up here first, then in the server's own queue.
function kernelQueues(port) {
    const tx = [];
    const rx = [];
    for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
        let lines = [];
        try {
            lines = readFileSync(file, 'utf8').split('\n').slice(1);
        } catch {}
        for (const line of lines) {
            const f = line.trim().split(/\s+/);
            if (f.length < 5 || f[3] !== '01')
                continue; // established only
            const lport = parseInt(f[1].split(':')[1], 16);
            const rport = parseInt(f[2].split(':')[1], 16);
            const [t, r] = f[4].split(':').map((h) => parseInt(h, 16));
            if (lport === port)
                tx.push(t);
            if (rport === port)
                rx.push(r);
        }
    }
    const top = (a) => a.sort((x, y) => y - x).slice(0, 8);
    return { tx: top(tx), rx: top(rx), txTotal: tx.reduce((a, b) => a + b, 0), rxTotal: rx.reduce((a, b) => a + b, 0) };
}

class CpuWindow {
    constructor(pids) {
        this.pids = pids;
        this.t0 = now();
        this.a = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuTicks(`/proc/${pid}/stat`)]));
        this.sys0 = pids.server ? cpuTicks(`/proc/${pids.server}/stat`, 'sys') : null;
        this.threads0 = pids.server ? threadTicks(pids.server) : {};
        this.peakRss = 0;
        this.sampler = setInterval(() => this.sample(), 200);
        this.sample();
    }
    sample() {
        if (this.pids.server)
            this.peakRss = Math.max(this.peakRss, status(this.pids.server, 'VmRSS') ?? 0);
    }
    stop() {
        clearInterval(this.sampler);
        this.sample();
        const secs = (now() - this.t0) / 1000;
        const cores = Object.fromEntries(Object.entries(this.pids).map(([k, pid]) => {
            const b = cpuTicks(`/proc/${pid}/stat`);
            return [k, b === null || this.a[k] === null ? null : (b - this.a[k]) / clkTck / secs];
        }));
        const byThread = {};
        const waitByThread = {};
        if (this.pids.server) {
            const t1 = threadTicks(this.pids.server);
            for (const [tid, t] of Object.entries(t1)) {
                const before = this.threads0[tid] ?? { ticks: 0, wait: 0 };
                const name = t.main ? 'main' : t.name;
                byThread[name] = (byThread[name] ?? 0) + (t.ticks - before.ticks) / clkTck / secs;
                waitByThread[name] = (waitByThread[name] ?? 0) + (t.wait - before.wait) / 1e9 / secs;
            }
        }
        const sys1 = this.pids.server ? cpuTicks(`/proc/${this.pids.server}/stat`, 'sys') : null;
        const sysCores = sys1 === null || this.sys0 === null ? null : (sys1 - this.sys0) / clkTck / secs;
        return { secs, cores, sysCores, byThread, waitByThread, peakRss: this.peakRss, hwm: this.pids.server ? status(this.pids.server, 'VmHWM') : null };
    }
}

// ---- the recorder viewer -----------------------------------------------------------
function record(url) {
    const rec = { frames: [], finished: false, closed: null, lastSeq: 0 };
    rec.ready = new Promise((resolve, reject) => {
        const ws = new WebSocket(url, { perMessageDeflate: false });
        rec.ws = ws;
        ws.on('message', (data) => {
            const t = now();
            const s = data.toString();
            const o = JSON.parse(s);
            rec.frames.push({ t, s, o });
            if (o.type !== 'hello' && o.type !== 'snapshot' && o.seq > rec.lastSeq)
                rec.lastSeq = o.seq;
            if (o.type === 'snapshot')
                resolve();
            if (o.type === 'finished')
                rec.finished = true;
        });
        ws.on('close', (code, reason) => {
            rec.closed = `${code} ${reason}`;
            reject(new Error(`recorder closed: ${code} ${reason}`));
        });
        ws.on('error', (e) => reject(e));
    });
    return rec;
}

// What the stream carried in a window of recorded frames.
function streamFigures(frames, secs) {
    let tokens = 0;
    let events = 0;
    let bytes = 0;
    let maxSeats = 0;
    let chars = 0;
    const types = {};
    for (const f of frames) {
        if (f.o.type === 'hello' || f.o.type === 'snapshot')
            continue;
        events += 1;
        bytes += Buffer.byteLength(f.s);
        types[f.o.type] = (types[f.o.type] ?? 0) + 1;
        if (f.o.type === 'tokens') {
            tokens += 1;
            const seats = new Set((f.o.deltas ?? []).map((d) => `${d.debate_id}/${d.seat}`));
            maxSeats = Math.max(maxSeats, seats.size);
            for (const d of f.o.deltas ?? [])
                chars += d.text.length;
        }
    }
    // The recorder's own due->receipt, split by how the batch was closed:
    // early, by an event (the server closes the text batch just before it
    // queues the event, with due = that moment: the next seq is that event),
    // or by the 50 ms tick (due = the tick's idea of its window's end).
    const bySeq = new Map(frames.map((f) => [f.o.seq, f.o.type]));
    const med = (a) => (a.length ? a.sort((x, y) => x - y)[Math.floor(a.length / 2)] : null);
    const tickLat = [];
    const eventLat = [];
    for (const f of frames) {
        if (f.o.type !== 'tokens')
            continue;
        const next = bySeq.get(f.o.seq + 1);
        (next && next !== 'tokens' ? eventLat : tickLat).push(f.t - f.o.due);
    }
    const recorder = { tick: tickLat.length, tickP50: med(tickLat), event: eventLat.length, eventP50: med(eventLat) };
    return { events, tokens, bytes, maxSeats, charsPerS: chars / secs, types, secs, recorder };
}

// ---- the load process ----------------------------------------------------------------
function startLoad(url) {
    const argv = [join(here, 'load-viewers.mjs'), '--url', url, '--viewers', String(cfg.viewers), '--paused', String(cfg.paused),
        '--batch', cfg.batch, '--parse', cfg.parse];
    if (cfg.workers)
        argv.push('--workers', cfg.workers);
    const load = start(process.execPath, argv);
    load.errLog = process.stderr;
    return load;
}
const send = (child, line) => child.stdin.write(line + '\n');

async function scrapeMetrics(base, token) {
    try {
        const res = await fetch(`${base}/metrics`, { headers: { Authorization: `Bearer ${token}` } });
        const text = await res.text();
        const out = {};
        for (const line of text.split('\n')) {
            const m = /^(roundtable_viewer[a-z_]*)(\{[^}]*\})?\s+([0-9.eE+-]+)/.exec(line);
            if (m)
                out[m[1] + (m[2] ?? '')] = +m[3];
        }
        return out;
    } catch (e) {
        return { error: e.message };
    }
}
const droppedCount = (m) => Object.entries(m).filter(([k]) => k.startsWith('roundtable_viewer_dropped_total')).reduce((a, [, v]) => a + v, 0);

// ---- phase 1: Roundtable -----------------------------------------------------------------
async function runRoundtable() {
    const env = { ...process.env, HOME: dir, XDG_CONFIG_HOME: join(dir, 'config'), XDG_DATA_HOME: join(dir, 'data'),
        XDG_CACHE_HOME: join(dir, 'cache'), XDG_STATE_HOME: join(dir, 'state') };
    for (const kv of cfg.rtEnv)
        env[kv.slice(0, kv.indexOf('='))] = kv.slice(kv.indexOf('=') + 1);
    delete env.OLLAMA_HOST;
    delete env.ROUNDTABLE_DB;
    const db = join(dir, 'roundtable.sqlite');

    // A question the simulator knows, whose answers are long sentences: the
    // visible text (the argument: "... my answer is <answer>.") streams for
    // most of a turn. llama3.2:1b always answers right, gemma3:1b never, and
    // nobody is persuadable, so the table never agrees and every round runs.
    // Four answers with different words (the consensus meter groups answers by their words).
    const answers = [
        'the viewers of this table watch every seat stream its argument while the server batches the text of all seats into one frame every fifty milliseconds and sends the same bytes to each of them',
        'a slow reader on a congested link must never hold back the others so the server measures what waits for each socket and closes the ones that fall more than a mebibyte behind the live stream',
        'numbered events let a browser notice a missing piece at once and start again from a fresh snapshot which costs a little bandwidth but keeps what people see on their screens exactly right',
        'heartbeats every fifteen seconds find sockets whose peers vanished without a word and reclaim their memory long before any operating system timeout would have noticed that nobody is there',
    ].map((a) => a.slice(0, 190)); // the stance schema allows 200 characters
    const question = 'Which sentence describes the remote view best? Answer with the sentence.';
    writeFileSync(join(dir, 'questions.json'), JSON.stringify({ name: 'bench-remote', version: 1, questions: [{ id: 'fanout-01', kind: 'text',
        question, answer: answers[0], accept: [answers[0]], distractors: answers.slice(1) }] }));

    // --visible all: the models put prose and a ```json fence around the
    // stance (the engine's tolerant parser reads it: no repair), so the whole
    // reply is visible text and every seat's text streams for its whole turn.
    const simExtra = cfg.visible === 'all' ? ['--debate-malformed', '*=fenced'] : [];
    const sim = start(cfg.sim, ['--port', '0', '--quiet', '--tps', String(simTps), '--debate-questions', join(dir, 'questions.json'),
        '--debate-accuracy', 'llama3.2:1b=1,gemma3:1b=0', '--debate-persuadability', '*=0', ...simExtra]);
    const simUrl = (await waitLine(sim, /listening on (http:\/\/\S+)/, 10000, 'simulator address').catch((e) => die(`simulator: ${e.message}`)))[1];

    // One host with a slot per seat (what the window would use for nine seats side by side).
    const rt = (argv) => execFileSync(cfg.roundtable, [...argv, '--db', db], { env, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
    try {
        rt(['hosts', 'add', 'sim', simUrl, '--max-concurrent', String(Math.max(1, cfg.seats))]);
        try {
            rt(['hosts', 'rm', 'local']);
        } catch {}
    } catch (e) {
        die(`roundtable hosts add: ${e.stderr?.toString() ?? e.message}`);
    }
    const builtins = JSON.parse(rt(['agents', 'list', '--json'])).agents.filter((a) => a.builtin).map((a) => a.name);
    if (builtins.length < cfg.seats)
        log(`only ${builtins.length} built-in agents: ${builtins.length} seats`);
    const models = ['llama3.2:1b', 'gemma3:1b'];
    const agents = builtins.slice(0, cfg.seats).map((n, i) => `${n}=${models[i % 2]}`).join(',');
    const connectAllowance = cfg.soloSeconds + 10 + (cfg.viewers + cfg.paused) / 50;
    const budget = Math.ceil(connectAllowance + cfg.seconds + 5);

    const debate = start(cfg.roundtable, ['debate', '--question', question, '--agents', agents, '--model', 'llama3.2:1b',
        '--format', 'simultaneous', '--parallel', '--rounds', '10', '--consensus', '1', '--stall-rounds', '0', '--seed', '7', '--no-synthesis',
        '--embedding-model', 'none', '--time-budget', String(budget), '--serve', '0', '--linger', '600',
        '--max-viewers', String(cfg.viewers + cfg.paused + 16), '--db', db], { env });
    debate.errLog = createWriteStream(join(dir, 'debate.stderr'));
    debate.outLog = createWriteStream(join(dir, 'debate.stdout'));
    const viewersLine = await waitLine(debate, /viewers: (http:\/\/(\S+?))\/\?token=([0-9a-f]+)/, 20000, 'viewers URL')
        .catch((e) => die(`roundtable debate --serve: ${e.message}`));
    const metricsToken = (await waitLine(debate, /^token: ([0-9a-f]+)/, 5000, 'metrics token').catch(() => [null, '']))[1];
    const base = viewersLine[1];
    const wsUrl = `ws://${viewersLine[2]}/ws?token=${viewersLine[3]}`;
    log(`roundtable pid ${debate.pid} serving ${base}; simulator ${simUrl} at ${simTps} tokens/s`);

    const rec = record(wsUrl);
    await rec.ready.catch((e) => die(e.message));

    // The debate with only the recorder watching.
    const solo = new CpuWindow({ server: debate.pid });
    await sleep(cfg.soloSeconds * 1000);
    const soloCpu = solo.stop();

    const loadStarted = now(); // the paused viewers stop reading within a second of this
    const load = startLoad(wsUrl);
    const connected = await jsonLines(load, 'connected', 120000).catch((e) => die(`load: ${e.message}`));
    log(`load: ${cfg.viewers} viewers connected in ${(connected.connectMs / 1000).toFixed(1)} s (${connected.failed} failed), `
        + `${connected.paused} paused`);
    if (rec.finished)
        die('the debate ended before the viewers were connected');
    if (connected.failed > 0)
        log(`note: ${connected.failed} viewers could not connect`);

    send(load, 'start');
    const w0 = rec.frames.length;
    const cpu = new CpuWindow({ server: debate.pid, load: load.pid, sim: sim.pid });
    const deadline = now() + cfg.seconds * 1000;
    while (now() < deadline && !rec.finished && debate.exitCode === null)
        await sleep(50);
    const w1 = rec.frames.length;
    const seqAtEnd = rec.lastSeq;
    const usage = cpu.stop();
    send(load, 'end');
    const queues = kernelQueues(+new URL(base).port);
    await sleep(1000); // the last frames reach every viewer
    send(load, 'stop');
    const report = await jsonLines(load, 'report', 60000).catch((e) => die(`load report: ${e.message}`));
    const window = rec.frames.slice(w0, w1);
    const stream = streamFigures(window, usage.secs);

    // Paused viewers: the heartbeat (ping every 15 s, dropped 30 s after an
    // unanswered one) or the 1 MiB queue ends them; wait for it, a while.
    let metrics = await scrapeMetrics(base, metricsToken);
    const pauseStart = loadStarted;
    while (cfg.paused > 0 && droppedCount(metrics) < cfg.paused && now() - pauseStart < cfg.dropWait * 1000) {
        await sleep(1000);
        metrics = await scrapeMetrics(base, metricsToken);
    }
    const droppedWait = (now() - pauseStart) / 1000;
    send(load, 'paused');
    const pausedReport = await jsonLines(load, 'paused', 30000).catch((e) => die(`load paused report: ${e.message}`));
    await load.exited;
    debate.kill('SIGTERM');
    const ended = await Promise.race([debate.exited, sleep(5000).then(() => null)]);
    if (!ended)
        debate.kill('SIGKILL');
    sim.kill('SIGTERM');
    await sim.exited;

    // The frames the baseline replays: hello and snapshot, then the window's events.
    const hello = rec.frames.find((f) => f.o.type === 'hello');
    const snap = rec.frames.find((f) => f.o.type === 'snapshot');
    const replay = [hello, snap, ...window.filter((f) => f.o.type !== 'hello' && f.o.type !== 'snapshot')];
    writeFileSync(join(dir, 'frames.jsonl'), replay.map((f) => JSON.stringify({ t: f.t, s: f.s })).join('\n') + '\n');
    return { usage, soloCpu, report, pausedReport, stream, metrics, droppedWait, seqAtEnd, connected, queues };
}

// ---- phase 2: the node baseline ------------------------------------------------------------
async function runBaseline(rtStream) {
    const server = start(process.execPath, [join(here, 'baseline-server.mjs'), '--frames', join(dir, 'frames.jsonl')]);
    server.errLog = process.stderr;
    const listening = await jsonLines(server, 'listening', 10000).catch((e) => die(`baseline server: ${e.message}`));
    const load = startLoad(`ws://127.0.0.1:${listening.port}/ws`);
    const connected = await jsonLines(load, 'connected', 120000).catch((e) => die(`load (baseline): ${e.message}`));
    log(`baseline: ${cfg.viewers} viewers connected in ${(connected.connectMs / 1000).toFixed(1)} s (${connected.failed} failed); `
        + `replaying ${listening.events} events`);
    send(load, 'start');
    const cpu = new CpuWindow({ server: server.pid, load: load.pid });
    send(server, 'replay');
    const replayed = await jsonLines(server, 'replayed', (rtStream.secs + 120) * 1000).catch((e) => die(`baseline replay: ${e.message}`));
    const usage = cpu.stop();
    send(load, 'end');
    const queues = kernelQueues(listening.port);
    await sleep(1000);
    send(server, 'buffered');
    const buffered = await jsonLines(server, 'buffered', 10000).catch(() => null);
    send(load, 'stop');
    const report = await jsonLines(load, 'report', 60000).catch((e) => die(`load report (baseline): ${e.message}`));
    send(load, 'paused');
    const pausedReport = await jsonLines(load, 'paused', 30000).catch((e) => die(`load paused report: ${e.message}`));
    await load.exited;
    send(server, 'quit');
    await Promise.race([server.exited, sleep(3000)]);
    return { usage, report, pausedReport, replayed, buffered, queues, seqAtEnd: JSON.parse(readFileSync(join(dir, 'frames.jsonl'), 'utf8')
        .trim().split('\n').map((l) => JSON.parse(JSON.parse(l).s).seq).reduce((a, b) => Math.max(a, b), 0)) };
}

// ---- the table ---------------------------------------------------------------------------------
const f1 = (x, d = 1) => (x === null || x === undefined || Number.isNaN(x) ? '-' : x.toFixed(d));
const mib = (b) => (b === null || b === undefined ? '-' : (b / 1048576).toFixed(1));
function describePaused(p, dropped, droppedWait, isRoundtable) {
    const total = p.paused.length;
    if (total === 0)
        return 'none';
    const closed = p.paused.filter((v) => v.closed);
    const reasons = {};
    for (const v of closed)
        reasons[`${v.closed.code} ${v.closed.reason}`.trim()] = (reasons[`${v.closed.code} ${v.closed.reason}`.trim()] ?? 0) + 1;
    const r = Object.entries(reasons).map(([k, n]) => `${n}x "${k}"`).join(', ');
    if (isRoundtable)
        return `${dropped}/${total} dropped by the server within ${droppedWait.toFixed(0)} s of pausing; on reading again they saw: ${r || 'nothing (still open)'}`;
    return `${closed.length}/${total} closed${r ? ` (${r})` : ''}`;
}
function row(label, a, b, target = '') {
    console.log(`${label.padEnd(44)}${String(a).padStart(16)}${String(b).padStart(16)}   ${target}`);
}
function perViewer(r, key) {
    const n = r.open || r.viewers;
    return n ? r[key] / n / (r.windowMs / 1000) : null;
}
function behind(r, seqAtEnd) {
    let n = 0;
    for (const [s, k] of Object.entries(r.lastSeqCounts ?? {}))
        if (+s < seqAtEnd)
            n += k;
    return n;
}

const rt = await runRoundtable();
const bl = cfg.baseline ? await runBaseline(rt.stream) : null;

const R = rt.report;
const B = bl?.report;
const rtCores = rt.usage.cores.server;
const blCores = bl?.usage.cores.server;
const serverThread = rt.usage.byThread['rt-server'];
console.log('');
console.log(`bench-remote: ${cfg.viewers} viewers${cfg.rtEnv.length ? ` (roundtable with ${cfg.rtEnv.join(' ')})` : ''} (+${cfg.paused} paused), ${cfg.seats} seats, simulator at ${simTps} tokens/s, `
    + `window ${f1(rt.usage.secs)} s; ${readFileSync('/proc/cpuinfo', 'utf8').split('\n').filter((l) => l.startsWith('processor')).length} cores `
    + 'shared by server, load and simulator');
console.log(`stream in the window: ${rt.stream.events} events (${rt.stream.tokens} tokens frames = ${f1(rt.stream.tokens / rt.stream.secs)}/s; `
    + `${f1(rt.stream.bytes / rt.stream.secs / 1024)} KiB/s), up to ${rt.stream.maxSeats} seat(s) per tokens frame, `
    + `${f1(rt.stream.charsPerS, 0)} chars of text/s; ${Object.entries(rt.stream.types).map(([k, n]) => `${k} ${n}`).join(', ')}`);
console.log('');
row('', 'roundtable', bl ? 'node ws' : '(no baseline)', 'target');
row('viewers with a snapshot (failed)', `${R.viewers} (${R.failed})`, B ? `${B.viewers} (${B.failed})` : '-');
row('frames/s per viewer', f1(perViewer(R, 'frames')), B ? f1(perViewer(B, 'frames')) : '-');
row('bytes/s per viewer (payload)', f1(perViewer(R, 'bytes'), 0), B ? f1(perViewer(B, 'bytes'), 0) : '-');
row('due->receipt p50 ms', f1(R.latency.p50), B ? f1(B.latency.p50) : '-');
row('due->receipt p99 ms', f1(R.latency.p99), B ? f1(B.latency.p99) : '-', '< 50');
row('due->receipt p99.9 ms', f1(R.latency.p999), B ? f1(B.latency.p999) : '-');
row('due->receipt max ms', f1(R.latency.max), B ? f1(B.latency.max) : '-');
row('due->receipt min ms', f1(R.latency.min), B ? f1(B.latency.min) : '-');
row('tokens frames measured (all viewers)', R.latency.samples, B ? B.latency.samples : '-');
row('lost events (seq gaps), viewers with loss', `${R.lost}, ${R.viewersWithLoss}`, B ? `${B.lost}, ${B.viewersWithLoss}` : '-', '0');
row('viewers behind the last event 1 s later', behind(R, rt.seqAtEnd), B ? behind(B, bl.seqAtEnd) : '-', '0');
row('viewers closed during the window', Object.values(R.closes).reduce((a, b) => a + b, 0), B ? Object.values(B.closes).reduce((a, b) => a + b, 0) : '-', '0');
row('server CPU, cores (whole process)', f1(rtCores, 3), bl ? f1(blCores, 3) : '-', '<= 1/2 node');
row('  of which in the kernel (loopback TCP too)', f1(rt.usage.sysCores, 3), bl ? f1(bl.usage.sysCores, 3) : '-');
row('  of which the rt-server thread / node main', f1(serverThread, 3), bl ? f1(bl.usage.byThread.main, 3) : '-');
row('  that thread waiting for a CPU (s per s)', f1(rt.usage.waitByThread['rt-server'], 3), bl ? f1(bl.usage.waitByThread.main, 3) : '-');
row('  same process, 1 viewer (before the load)', f1(rt.soloCpu.cores.server, 3), '-');
row('server peak RSS MiB (VmHWM)', mib(rt.usage.hwm), bl ? mib(bl.usage.hwm) : '-');
row('server peak RSS MiB in the window', mib(rt.usage.peakRss), bl ? mib(bl.usage.peakRss) : '-');
row('load process CPU, cores', f1(rt.usage.cores.load, 3), bl ? f1(bl.usage.cores.load, 3) : '-');
row('simulator CPU, cores', f1(rt.usage.cores.sim, 3), '-');
console.log('');
console.log(`paused viewers, roundtable: ${describePaused(rt.pausedReport, droppedCount(rt.metrics), rt.droppedWait, true)}`);
if (bl) {
    console.log(`paused viewers, node ws:    ${describePaused(bl.pausedReport, 0, 0, false)} (no queue limit, no heartbeat); `
        + `waiting in the server's user space at the end: ${bl.buffered ? `${mib(bl.buffered.total)} MiB` : '?'}, in the kernel: `
        + `${bl.queues.rx.slice(0, cfg.paused).map((b) => (b / 1024).toFixed(0)).join('/')} KiB unread by the paused viewers`);
}
const kq = (q) => `server send queues ${q.tx.slice(0, 3).map((b) => (b / 1024).toFixed(0)).join('/')} KiB, viewers' unread ${q.rx.slice(0, 3).map((b) => (b / 1024).toFixed(0)).join('/')} KiB (largest 3)`;
console.log(`kernel TCP queues at the end of the window: roundtable ${kq(rt.queues)}${bl ? `; node ws ${kq(bl.queues)}` : ''}`);
const rd = rt.stream.recorder;
console.log(`recorder's due->receipt (roundtable): ${rd.tick} batches closed by the 50 ms tick, p50 ${f1(rd.tickP50)} ms; `
    + `${rd.event} closed early by an event (due = when closed), p50 ${f1(rd.eventP50)} ms`);
if (rd.tickP50 !== null && rd.eventP50 !== null && rd.tickP50 - rd.eventP50 > 25) {
    console.log(`  the tick's due lags the clock by about ${(Math.round((rd.tickP50 - rd.eventP50) / 50) * 50).toFixed(0)} ms: `
        + 'those batches carry a due time older than the tick that sent them (skipped ticks are not caught up; see bench/README.md)');
}
const rtClosesNote = Object.entries(R.closes).map(([k, n]) => `${n}x ${k}`).join(', ');
if (rtClosesNote)
    console.log(`roundtable closed viewers: ${rtClosesNote}`);
console.log(`server counters: ${Object.entries(rt.metrics).map(([k, v]) => `${k}=${v}`).join(' ')}`);
console.log(`load: parse "${R.parse}", ${R.workers} worker thread(s), connected in ${f1(rt.connected.connectMs / 1000)} s`);
if (bl)
    console.log(`baseline replay: ${bl.replayed.events} events over ${f1(bl.replayed.seconds)} s, timer late by at most ${f1(bl.replayed.maxTimerLateMs)} ms`);
console.log('');
const verdict = (ok) => (ok ? 'meets' : 'misses');
console.log(`due->receipt p99 < 50 ms at ${cfg.viewers} viewers: ${verdict(R.latency.p99 !== null && R.latency.p99 < 50)} (${f1(R.latency.p99)} ms)`);
console.log(`every event delivered to viewers that keep up: ${verdict(R.lost === 0 && behind(R, rt.seqAtEnd) === 0)} `
    + `(${R.lost} lost, ${R.viewersWithLoss} viewers with gaps, ${behind(R, rt.seqAtEnd)} behind)`);
const pausedDropped = droppedCount(rt.metrics) >= cfg.paused;
console.log(`paused viewers dropped without hurting the others: ${cfg.paused === 0 ? 'not tested (--paused 0)' : `${verdict(pausedDropped && R.lost === 0)} `
    + `(${droppedCount(rt.metrics)}/${cfg.paused} dropped; the others lost ${R.lost})`}`);
if (bl) {
    console.log(`server CPU <= 1/2 of the node baseline: ${verdict(rtCores <= blCores / 2)} (${f1(rtCores, 3)} vs ${f1(blCores, 3)} cores, `
        + `ratio ${f1(rtCores / blCores, 2)}; rt-server thread alone ${f1(serverThread / blCores, 2)})`);
}
if (cfg.keep)
    console.log(`kept: ${dir}`);
cleanup();
process.exit(0);
