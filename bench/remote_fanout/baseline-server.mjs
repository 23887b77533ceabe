// bench-remote's baseline: a small node `ws` broadcast server that replays a
// recorded Roundtable event stream to every connected viewer, at the frames'
// original relative times. It is the broadcast loop from the `ws` README
// (wss.clients.forEach(c => c.send(data))), with the frame turned into a
// Buffer once, not per viewer; no per-viewer queue limit and no heartbeat.
//
//   node baseline-server.mjs --frames FILE [--port 0]
//
// FILE: JSON lines {"t": receipt ms since epoch, "s": "frame text"} as the
// orchestrator's recorder viewer saw them, hello and snapshot first. A viewer
// that connects (any path, the token is not checked) gets that hello and
// snapshot with `seq` set to the last event replayed so far, then the events.
//
// stdout: {"event":"listening","port":P}; after `replay` on stdin the events
// go out, each at (its original time - the first one's) after the replay
// started: a `tokens` frame at its original `due`, restamped with the replay's
// due time (so due->receipt measures this server as it does Roundtable);
// other events at their original receipt time. Then {"event":"replayed",...}.
// `buffered` on stdin prints {"event":"buffered",...}: bytes waiting in
// user space for each viewer (ws bufferedAmount), i.e. what paused viewers cost.
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';
import WebSocket, { WebSocketServer } from 'ws';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const framesFile = opt('frames', '');
const port = parseInt(opt('port', '0'), 10);
const say = (o) => process.stdout.write(JSON.stringify(o) + '\n');
const now = () => performance.timeOrigin + performance.now();

const recorded = readFileSync(framesFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const hello = JSON.parse(recorded.find((f) => JSON.parse(f.s).type === 'hello').s);
const snapshot = JSON.parse(recorded.find((f) => JSON.parse(f.s).type === 'snapshot').s);
const events = [];
for (const f of recorded) {
    const o = JSON.parse(f.s);
    if (o.type === 'hello' || o.type === 'snapshot')
        continue;
    events.push({ seq: o.seq, type: o.type, at: o.type === 'tokens' ? o.due : f.t, text: f.s });
}
// Keep the stream's order; a time never goes backwards.
for (let i = 1; i < events.length; ++i)
    events[i].at = Math.max(events[i].at, events[i - 1].at);
let lastSeq = events.length ? events[0].seq - 1 : snapshot.seq;

const server = http.createServer((req, res) => {
    res.writeHead(404).end();
});
const wss = new WebSocketServer({ server, perMessageDeflate: false });
let nextViewer = 1;
wss.on('connection', (ws) => {
    // Per viewer, as Roundtable does: hello and snapshot as of the last event.
    ws.send(JSON.stringify({ ...hello, seq: lastSeq, viewer: nextViewer++ }));
    ws.send(JSON.stringify({ ...snapshot, seq: lastSeq }));
    ws.on('error', () => {});
});

function broadcast(data) {
    wss.clients.forEach((client) => {
        if (client.readyState === WebSocket.OPEN)
            client.send(data, { binary: false });
    });
}

function replay() {
    const start = now();
    const base = events.length ? events[0].at : 0;
    let i = 0;
    let late = 0;
    const step = () => {
        const t = now();
        while (i < events.length && start + (events[i].at - base) <= t + 0.5) {
            const e = events[i++];
            let text = e.text;
            if (e.type === 'tokens') {
                const due = Math.round(start + (e.at - base));
                text = text.replace(/"due":\d+,"seq":/, `"due":${due},"seq":`);
                late = Math.max(late, t - due);
            }
            lastSeq = e.seq;
            broadcast(Buffer.from(text));
        }
        if (i < events.length) {
            setTimeout(step, Math.max(0, start + (events[i].at - base) - now()));
        } else {
            say({ event: 'replayed', events: events.length, seconds: (now() - start) / 1000, maxTimerLateMs: late });
        }
    };
    step();
}

server.listen(port, '127.0.0.1', () => say({ event: 'listening', port: server.address().port, events: events.length }));

for await (const line of createInterface({ input: process.stdin })) {
    const cmd = line.trim();
    if (cmd === 'replay')
        replay();
    else if (cmd === 'buffered') {
        const amounts = [...wss.clients].map((c) => c.bufferedAmount).sort((a, b) => b - a);
        say({ event: 'buffered', clients: amounts.length, top: amounts.slice(0, 10), total: amounts.reduce((a, b) => a + b, 0) });
    } else if (cmd === 'quit') {
        process.exit(0);
    }
}
