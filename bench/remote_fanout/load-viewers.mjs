// bench-remote's load process: N remote viewers on one WebSocket URL, spread
// over worker threads (one node thread cannot read ~20,000 frames/s and leave
// room for anything else). Started by run-fanout.mjs; talks to it by lines:
//
//   stdout  {"event":"connected",...}   every viewer has its snapshot (or failed)
//   stdin   start                       the measured window begins (counting starts)
//   stdin   end                         it ends (frames, bytes and latencies stop counting)
//   stdin   stop                        one {"event":"report",...} line (gaps counted up to here)
//   stdin   paused                      the paused viewers read again: {"event":"paused",...}, exit
//
// Per viewer it counts frames and payload bytes in the window, and for every
// `tokens` frame the time from `due` (the end of the batch's 50 ms window, as
// stamped by the server) to its receipt here. `seq` gaps are counted over the
// whole connection (a viewer ignores events at or below its snapshot's seq).
// A few "paused" viewers (--paused P, on the main thread) stop reading their
// socket once they have the snapshot, as a viewer on a stalled network would;
// at `stop` they read again and report how the server ended them, if it did.
//
// Parsing: a `tokens` frame (nearly all frames) is read from its last ~100
// bytes with one regex (the server writes JSON keys in order, so it ends with
// ..."due":D,"seq":S,"type":"tokens","v":1}); anything else, or a tail that
// does not match, goes through JSON.parse. `--parse json` parses every frame
// (for comparing the cost; run-fanout.mjs --parse json passes it on).
//
// node load-viewers.mjs --url ws://127.0.0.1:PORT/ws?token=T [--viewers 1000] [--paused 5]
//                       [--workers 2] [--batch 100] [--parse tail|json]
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import WebSocket from 'ws';

// Receipt times: wall clock with sub-millisecond resolution, comparable with
// the server's `due` (milliseconds since the epoch, same machine).
const now = () => performance.timeOrigin + performance.now();

// Latency histogram: 0.1 ms buckets from -1 s to +9 s (a frame can arrive
// before its due time: see README), the rest clamped into the end buckets.
const HIST_MIN_MS = -1000;
const HIST_STEP_MS = 0.1;
const HIST_BUCKETS = 100000;
const histIndex = (ms) => Math.min(HIST_BUCKETS - 1, Math.max(0, Math.floor((ms - HIST_MIN_MS) / HIST_STEP_MS)));

const TOKENS_TAIL = /"due":(\d+),"seq":(\d+),"type":"tokens","v":1}$/;

function openViewer(url, parseMode, stats, onReady) {
    const v = { seq: -1, snapshot: false, frames: 0, bytes: 0, lost: 0, gaps: 0, lastSeq: 0, close: null, error: null };
    const ws = new WebSocket(url, { perMessageDeflate: false, skipUTF8Validation: true });
    let ready = false;
    const settle = (ok) => {
        if (!ready) {
            ready = true;
            onReady(ok);
        }
    };
    ws.on('message', (data, isBinary) => {
        const t = now();
        let seq = 0;
        let due = -1;
        let type = null;
        let parsed = null;
        if (parseMode === 'tail' && data.length > 40) {
            const m = TOKENS_TAIL.exec(data.latin1Slice(Math.max(0, data.length - 100), data.length));
            if (m) {
                due = +m[1];
                seq = +m[2];
                type = 'tokens';
            }
        }
        if (type === null) {
            try {
                parsed = JSON.parse(isBinary ? data : data.toString());
            } catch {
                v.error = 'unparsable frame';
                return;
            }
            type = parsed.type;
            seq = parsed.seq;
            if (type === 'tokens')
                due = parsed.due;
        }
        if (type === 'hello')
            return;
        if (type === 'snapshot') {
            v.seq = seq;
            v.snapshot = true;
            settle(true);
            return;
        }
        if (v.seq < 0)
            return; // events before the snapshot: not counted (the protocol sends none)
        if (seq <= v.seq) {
            if (type !== 'error')
                return; // already in the snapshot
        } else {
            if (seq > v.seq + 1) {
                v.lost += seq - v.seq - 1;
                v.gaps += 1;
            }
            v.seq = seq;
        }
        if (!stats.active)
            return;
        v.frames += 1;
        v.bytes += data.length;
        if (type === 'tokens') {
            const ms = t - due;
            stats.hist[histIndex(ms)] += 1;
            stats.samples += 1;
            if (ms > stats.max)
                stats.max = ms;
            if (ms < stats.min)
                stats.min = ms;
        }
    });
    ws.on('close', (code, reason) => {
        v.close = { code, reason: reason.toString(), at: now() };
        settle(false);
    });
    ws.on('error', (err) => {
        v.error = err.message;
        settle(false);
    });
    v.ws = ws;
    return v;
}

function newStats() {
    return { active: false, hist: new Uint32Array(HIST_BUCKETS), samples: 0, max: -Infinity, min: Infinity };
}

function summary(viewers, stats, windowMs) {
    const closes = {};
    let frames = 0;
    let bytes = 0;
    let lost = 0;
    let gaps = 0;
    let withLoss = 0;
    let open = 0;
    let minFrames = Infinity;
    let maxFrames = 0;
    const lastSeq = [];
    for (const v of viewers) {
        frames += v.frames;
        bytes += v.bytes;
        lost += v.lost;
        gaps += v.gaps;
        withLoss += v.lost > 0 ? 1 : 0;
        minFrames = Math.min(minFrames, v.frames);
        maxFrames = Math.max(maxFrames, v.frames);
        if (v.close) {
            const key = `${v.close.code} ${v.close.reason}`.trim();
            closes[key] = (closes[key] || 0) + 1;
        } else if (v.snapshot) {
            open += 1;
        }
        if (v.snapshot)
            lastSeq.push(v.seq);
    }
    return {
        viewers: viewers.length, open, frames, bytes, lost, gaps, withLoss, minFrames, maxFrames, closes, lastSeq, windowMs,
        samples: stats.samples, max: stats.max, min: stats.min, hist: stats.hist,
    };
}

if (!isMainThread) {
    // ---- worker: a share of the viewers --------------------------------------
    const { url, parseMode } = workerData;
    const viewers = [];
    const stats = newStats();
    let windowStart = 0;
    let windowEnd = 0;
    parentPort.on('message', (msg) => {
        if (msg.cmd === 'connect') {
            let left = msg.count;
            let failed = 0;
            if (left === 0) {
                parentPort.postMessage({ cmd: 'connected', failed });
                return;
            }
            for (let i = 0; i < msg.count; ++i) {
                viewers.push(openViewer(url, parseMode, stats, (ok) => {
                    failed += ok ? 0 : 1;
                    if (--left === 0)
                        parentPort.postMessage({ cmd: 'connected', failed });
                }));
            }
        } else if (msg.cmd === 'start') {
            windowStart = now();
            stats.active = true;
        } else if (msg.cmd === 'end') {
            stats.active = false;
            windowEnd = now();
        } else if (msg.cmd === 'stop') {
            stats.active = false;
            const s = summary(viewers, stats, (windowEnd || now()) - windowStart);
            parentPort.postMessage({ cmd: 'report', summary: s }, [s.hist.buffer]);
            for (const v of viewers)
                v.ws.terminate();
        }
    });
} else {
    // ---- main: coordination, paused viewers, the report ------------------------
    const args = process.argv.slice(2);
    const opt = (name, fallback) => {
        const i = args.indexOf(`--${name}`);
        return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
    };
    const url = opt('url', '');
    const count = Math.max(0, parseInt(opt('viewers', '1000'), 10));
    const pausedCount = Math.max(0, parseInt(opt('paused', '5'), 10));
    const batch = Math.max(1, parseInt(opt('batch', '100'), 10));
    const parseMode = opt('parse', 'tail') === 'json' ? 'json' : 'tail';
    const workerCount = Math.max(1, Math.min(8, parseInt(opt('workers', count > 200 ? '2' : '1'), 10)));
    if (!url) {
        console.error('load-viewers: --url ws://HOST:PORT/ws?token=TOKEN is required');
        process.exit(2);
    }
    const say = (o) => process.stdout.write(JSON.stringify(o) + '\n');
    const cpu0 = process.cpuUsage();
    const t0 = now();

    // Paused viewers first: they have been stalled the longest when the
    // window ends, so the server has had the most time to notice them.
    const paused = [];
    const pausedStats = newStats();
    await new Promise((resolve) => {
        let left = pausedCount;
        if (left === 0)
            resolve();
        for (let i = 0; i < pausedCount; ++i) {
            const v = openViewer(url, parseMode, pausedStats, (ok) => {
                if (ok) {
                    v.ws._socket.pause(); // stop reading: the kernel buffers fill, then the server's queue
                    v.pausedAt = now();
                }
                if (--left === 0)
                    resolve();
            });
            paused.push(v);
        }
    });

    const workers = [];
    for (let i = 0; i < workerCount; ++i)
        workers.push(new Worker(new URL(import.meta.url), { workerData: { url, parseMode } }));
    const ask = (w, msg, answer) => new Promise((resolve) => {
        const on = (m) => {
            if (m.cmd === answer) {
                w.off('message', on);
                resolve(m);
            }
        };
        w.on('message', on);
        w.postMessage(msg);
    });

    // Connect in batches (default 100 at a time, split over the workers), each
    // batch after the previous one has its snapshots: no connection storm.
    let failed = 0;
    for (let done = 0; done < count; done += batch) {
        const n = Math.min(batch, count - done);
        const shares = workers.map((_, i) => Math.floor(n / workerCount) + (i < n % workerCount ? 1 : 0));
        const answers = await Promise.all(workers.map((w, i) => ask(w, { cmd: 'connect', count: shares[i] }, 'connected')));
        for (const a of answers)
            failed += a.failed;
    }
    const connectMs = now() - t0;
    say({ event: 'connected', viewers: count, failed, paused: paused.filter((v) => v.snapshot).length, connectMs });

    let startCpu = null;
    let startAt = 0;
    let endAt = 0;
    let endCpu = null;
    const lines = createInterface({ input: process.stdin });
    for await (const line of lines) {
        const cmd = line.trim();
        if (cmd === 'start') {
            startCpu = process.cpuUsage();
            startAt = now();
            for (const w of workers)
                w.postMessage({ cmd: 'start' });
        } else if (cmd === 'end') {
            // The window ends; gaps and the last seq are still followed until `stop`.
            endAt = now();
            endCpu = process.cpuUsage(startCpu ?? cpu0);
            for (const w of workers)
                w.postMessage({ cmd: 'end' });
        } else if (cmd === 'stop') {
            const windowMs = (endAt || now()) - startAt;
            const cpu = endCpu ?? process.cpuUsage(startCpu ?? cpu0);
            const reports = await Promise.all(workers.map((w) => ask(w, { cmd: 'stop' }, 'report')));
            const parts = reports.map((r) => r.summary);
            // Merge the workers' figures.
            const hist = new Uint32Array(HIST_BUCKETS);
            const merged = { viewers: 0, open: 0, frames: 0, bytes: 0, lost: 0, gaps: 0, withLoss: 0, samples: 0, max: -Infinity,
                min: Infinity, minFrames: Infinity, maxFrames: 0, closes: {}, lastSeqMin: Infinity, lastSeqMax: 0, lastSeqCounts: {} };
            for (const p of parts) {
                for (const k of ['viewers', 'open', 'frames', 'bytes', 'lost', 'gaps', 'withLoss', 'samples'])
                    merged[k] += p[k];
                merged.max = Math.max(merged.max, p.max);
                merged.min = Math.min(merged.min, p.min);
                merged.minFrames = Math.min(merged.minFrames, p.minFrames);
                merged.maxFrames = Math.max(merged.maxFrames, p.maxFrames);
                for (const [k, n] of Object.entries(p.closes))
                    merged.closes[k] = (merged.closes[k] || 0) + n;
                for (const s of p.lastSeq) {
                    merged.lastSeqMin = Math.min(merged.lastSeqMin, s);
                    merged.lastSeqMax = Math.max(merged.lastSeqMax, s);
                    merged.lastSeqCounts[s] = (merged.lastSeqCounts[s] || 0) + 1;
                }
                for (let i = 0; i < HIST_BUCKETS; ++i)
                    hist[i] += p.hist[i];
            }
            const pct = (q) => {
                if (merged.samples === 0)
                    return null;
                const rank = Math.max(1, Math.ceil(q * merged.samples));
                let seen = 0;
                for (let i = 0; i < HIST_BUCKETS; ++i) {
                    seen += hist[i];
                    if (seen >= rank)
                        return HIST_MIN_MS + (i + 1) * HIST_STEP_MS; // upper edge of the bucket
                }
                return null;
            };
            say({
                event: 'report', parse: parseMode, workers: workerCount, connectMs, windowMs,
                cpuUserMs: cpu.user / 1000, cpuSystemMs: cpu.system / 1000,
                viewers: merged.viewers, failed, open: merged.open, frames: merged.frames, bytes: merged.bytes,
                lost: merged.lost, gaps: merged.gaps, viewersWithLoss: merged.withLoss,
                framesPerViewerMin: merged.viewers ? merged.minFrames : 0, framesPerViewerMax: merged.maxFrames,
                closes: merged.closes, lastSeqMin: merged.lastSeqMin, lastSeqMax: merged.lastSeqMax, lastSeqCounts: merged.lastSeqCounts,
                latency: { samples: merged.samples, p50: pct(0.5), p99: pct(0.99), p999: pct(0.999), max: merged.samples ? merged.max : null,
                    min: merged.samples ? merged.min : null },
            });
            await Promise.all(workers.map((w) => w.terminate()));
        } else if (cmd === 'paused') {
            // The paused viewers read again: what did the server do with them?
            const resumedAt = now();
            for (const v of paused) {
                v.framesBeforeResume = v.frames;
                if (!v.close && v.ws._socket)
                    v.ws._socket.resume();
            }
            await new Promise((resolve) => {
                const deadline = Date.now() + 3000;
                const check = () => (paused.every((v) => v.close) || Date.now() > deadline ? resolve() : setTimeout(check, 50));
                check();
            });
            const pausedReport = paused.map((v) => ({
                snapshot: v.snapshot,
                closed: v.close ? { code: v.close.code, reason: v.close.reason, afterPauseS: v.pausedAt ? (Math.min(v.close.at, resumedAt) - v.pausedAt) / 1000 : null,
                    seenAfterResume: v.close.at >= resumedAt } : null,
                lastSeq: v.seq,
                error: v.error,
            }));
            say({ event: 'paused', paused: pausedReport });
            for (const v of paused)
                v.ws.terminate();
            await Promise.all(workers.map((w) => w.terminate()));
            process.exit(0);
        }
    }
}
