// The remote viewer page (resources/viewer) in a real browser: Debian's chromium,
// driven by playwright-core, against `roundtable debate ... --serve PORT` running a
// debate on roundtable-ollama-sim (docs/remote-protocol.md).
//
//   1. debate 1 on a fixed port and viewer token: the page connects, shows the seats,
//      streaming text, finished turns, the consensus and the result; its transcript
//      equals the debate's --json output, no turn twice;
//   2. that server stops (Ctrl-C while it lingers): the page says it is reconnecting;
//   3. debate 2 (another question, mixed models, two rounds, a fresh database, so again
//      debate 1) on the same port and token: the page reconnects by itself (one more
//      hello), shows only the new debate, its turns once each, its consensus per round
//      and result; saves viewer.png;
//   4. a page with a wrong token: state "refused", no hello, no retries;
//   5. while debate 2 lingers, the page in German (a browser context with locale de-DE)
//      and in French (?lang=fr), without bypassing the page's CSP: <html lang>, real
//      German and French words (status, phase, round, result, seat status, stance
//      confidence, headings), numbers formatted for the language, the debate's own words
//      untouched, no English text of the catalogue visible (or in an aria-label or title);
//      saves viewer-de.png and viewer-fr.png.
//
// Usage: node viewer-browser.mjs ROUNDTABLE SIMULATOR SCREENSHOT_DIR
// Needs /usr/bin/chromium (apt-get install chromium; $RT_CHROMIUM overrides the path)
// and playwright-core (js_deps installs it into the build dir, the working directory).
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

const [roundtable, simulator, shotDir] = process.argv.slice(2);
if (!roundtable || !simulator || !shotDir) {
  console.error('usage: node viewer-browser.mjs ROUNDTABLE SIMULATOR SCREENSHOT_DIR');
  process.exit(2);
}
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
const log = (line) => console.log(`[${elapsed()}] ${line}`);
const die = (message) => {
  console.error(`FAIL: ${message}`);
  process.exit(1);
};

const CHROMIUM = process.env.RT_CHROMIUM || '/usr/bin/chromium';
if (!fs.existsSync(CHROMIUM))
  die(`no Chromium at ${CHROMIUM}: apt-get install chromium (scripts/install-deps.sh installs it; RT_CHROMIUM=PATH picks another)`);
let chromium;
try {
  // From the build dir's node_modules (the working directory), where js_deps installs it.
  ({ chromium } = createRequire(path.join(process.cwd(), 'noop.js'))('playwright-core'));
} catch (e) {
  die(`playwright-core is missing in ${process.cwd()}/node_modules (the js_deps test installs tests/js/package.json there): ${e.message}`);
}

const WAIT_MS = 60000; // for each real condition; a debate on the simulator takes ~10 s
const failures = [];
const check = (ok, what, detail = '') => {
  if (ok) console.log(`ok   ${what}`);
  else failures.push(`${what}${detail ? `: ${detail}` : ''}`), console.log(`FAIL ${what}${detail ? `: ${detail}` : ''}`);
  return ok;
};

// ---- processes ------------------------------------------------------------------------
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rt-viewer-browser-'));
const env = { ...process.env, HOME: tmp, XDG_CONFIG_HOME: path.join(tmp, 'config'), XDG_DATA_HOME: path.join(tmp, 'data'),
  XDG_CACHE_HOME: path.join(tmp, 'cache'), LC_ALL: 'C.UTF-8' };
delete env.OLLAMA_HOST;
delete env.ROUNDTABLE_DB;
const children = new Set();

// Starts a program; resolves once `ready` matches its output (stdout or stderr).
function start(name, bin, args, ready) {
  const child = spawn(bin, args, { env, cwd: tmp, stdio: ['ignore', 'pipe', 'pipe'] });
  const proc = { name, child, out: '', err: '', exit: null };
  children.add(child);
  proc.exited = new Promise((resolve) => child.on('exit', (code, signal) => {
    children.delete(child);
    resolve((proc.exit = { code, signal }));
  }));
  proc.ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start in 20 s:\n${proc.out}${proc.err}`)), 20000);
    const look = () => {
      const m = ready.exec(proc.out + proc.err);
      if (m) clearTimeout(timer), resolve(m);
    };
    child.stdout.on('data', (d) => { proc.out += d; look(); });
    child.stderr.on('data', (d) => { proc.err += d; look(); });
    child.on('error', (e) => { clearTimeout(timer); reject(new Error(`${name}: ${e.message}`)); });
    proc.exited.then((x) => { clearTimeout(timer); reject(new Error(`${name} exited (${x.code ?? x.signal}) before it was ready:\n${proc.out}${proc.err}`)); });
  });
  return proc;
}

// Ctrl-C while it lingers: the server stops, the --json document is printed.
async function stopDebate(proc) {
  proc.child.kill('SIGINT');
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), 15000);
  const exit = await proc.exited;
  clearTimeout(timer);
  let doc = null;
  try {
    doc = JSON.parse(proc.out);
  } catch (e) {
    throw new Error(`${proc.name}: no --json document on stdout (exit ${exit.code ?? exit.signal}): ${e.message}\n${proc.out.slice(0, 2000)}\n${proc.err}`);
  }
  return { exit, doc };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// The raw answer to a browser-like WebSocket upgrade with a wrong token, for the log:
// every HTTP status line the server wrote on that connection.
function probeUpgrade(port) {
  return new Promise((resolve) => {
    let data = '';
    const sock = net.connect(port, '127.0.0.1', () => sock.write(`GET /ws?token=${'0'.repeat(32)} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n`
      + `Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${crypto.randomBytes(16).toString('base64')}\r\n`
      + `Origin: http://127.0.0.1:${port}\r\n\r\n`));
    const done = (why) => {
      sock.destroy();
      const lines = data.match(/HTTP\/1\.1 \d{3}[^\r\n]*/g) || [];
      resolve(`${lines.join(' + ') || '(no HTTP answer)'}${lines.length && !lines[0].includes(' 101 ')
        ? ' (refused before the upgrade: a browser sees only close code 1006, as if the server were down)' : ''}${why ? `; ${why}` : ''}`);
    };
    sock.setTimeout(3000, () => done('no close in 3 s'));
    sock.on('data', (d) => { data += d; });
    sock.on('close', () => done(''));
    sock.on('error', (e) => done(e.message));
  });
}

const killAll = () => { for (const c of children) c.kill('SIGKILL'); };
process.on('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { killAll(); process.exit(1); });

// ---- page helpers -----------------------------------------------------------------------
const pct = (x) => `${Math.round(Math.max(0, Math.min(1, Number(x) || 0)) * 100)}%`;

async function waitFor(page, what, fn, arg, timeout = WAIT_MS) {
  try {
    const handle = await page.waitForFunction(fn, arg, { timeout, polling: 'raf' });
    const value = await handle.jsonValue();
    log(`seen: ${what}`);
    return value;
  } catch (e) {
    const state = await pageState(page).catch((x) => ({ error: x.message }));
    throw new Error(`timed out after ${timeout / 1000} s waiting for ${what}; the page: ${JSON.stringify(state)}`);
  }
}

const pageState = (page) => page.evaluate(() => ({
  connection: window.rtViewer?.state.connection, reason: window.rtViewer?.state.reason, connects: window.rtViewer?.connects,
  lastSeq: window.rtViewer?.lastSeq, status: document.querySelector('#status')?.dataset.state,
  statusText: document.querySelector('#status-text')?.textContent, question: document.querySelector('#debate-question')?.textContent,
  round: document.querySelector('#round')?.textContent, consensus: document.querySelector('#consensus-score')?.textContent,
  turns: [...document.querySelectorAll('#transcript li[data-turn-index]')].map((li) => li.dataset.turnIndex),
  resultHidden: document.querySelector('#result')?.hidden,
}));

// What the page shows of the debate on screen.
const readPage = (page) => page.evaluate(() => ({
  question: document.querySelector('#debate-question').textContent,
  round: document.querySelector('#round').textContent,
  phase: document.querySelector('#phase').textContent,
  consensus: document.querySelector('#consensus-score').textContent,
  chartDots: document.querySelectorAll('#chart circle.dot').length,
  seats: [...document.querySelectorAll('article.seat')].map((a) => ({
    seat: Number(a.dataset.seat), status: a.dataset.status, name: a.querySelector('.seat-name').textContent,
    answer: a.querySelector('.stance').hidden ? null : a.querySelector('.stance-answer').firstChild?.textContent ?? '' })),
  turns: [...document.querySelectorAll('#transcript li[data-turn-index]')].map((li) => ({
    index: Number(li.dataset.turnIndex), agent: li.querySelector('.entry-head strong').textContent,
    text: li.querySelector('.entry-text').textContent })),
  sidebar: [...document.querySelectorAll('#debate-list .side-item')].map((b) => b.querySelector('.side-title-text').textContent),
  resultHidden: document.querySelector('#result').hidden,
  resultStatus: document.querySelector('#result').dataset.status,
  answer: document.querySelector('#result-answer').textContent,
  connects: window.rtViewer.connects,
  connection: window.rtViewer.state.connection,
}));

// The page against the debate's --json document: every finished turn once, in order,
// with its text; the last round's consensus; the result.
function compare(label, shown, doc, question) {
  const turns = doc.turns || [];
  const indexes = shown.turns.map((t) => t.index);
  check(shown.question === question, `${label}: the page shows the question`, `"${shown.question}"`);
  check(new Set(indexes).size === indexes.length, `${label}: no turn is listed twice`, `transcript indexes ${indexes.join(',')}`);
  check(JSON.stringify(indexes) === JSON.stringify(turns.map((t) => t.index)),
    `${label}: transcript has the debate's ${turns.length} finished turns in order`,
    `page ${indexes.join(',')} vs --json ${turns.map((t) => t.index).join(',')}`);
  const wrongText = turns.filter((t) => shown.turns.find((s) => s.index === t.index)?.text !== (t.text || t.error || ''));
  check(!wrongText.length, `${label}: every transcript entry has its turn's text`, `turns ${wrongText.map((t) => t.index).join(',')} differ`);
  const wrongAgent = turns.filter((t) => shown.turns.find((s) => s.index === t.index)?.agent !== t.agent);
  check(!wrongAgent.length, `${label}: every transcript entry names its seat`, `turns ${wrongAgent.map((t) => t.index).join(',')}`);
  const seats = doc.debate?.seats || [];
  check(shown.seats.length === seats.length && seats.every((s) => shown.seats.some((c) => c.seat === s.seat && c.name === s.name)),
    `${label}: one card per seat (${seats.map((s) => s.name).join(', ')})`, JSON.stringify(shown.seats.map((c) => [c.seat, c.name])));
  const wrongStance = seats.filter((s) => {
    const lastTurn = turns.findLast((t) => t.seat === s.seat);
    return (shown.seats.find((c) => c.seat === s.seat)?.answer ?? null) !== (lastTurn?.stance?.answer ?? null);
  });
  check(!wrongStance.length, `${label}: every seat card shows the stance of its last turn`, `seats ${wrongStance.map((s) => s.name).join(', ')}`);
  const last = (doc.rounds || []).at(-1);
  check(!!last && shown.consensus === pct(last.score), `${label}: consensus ${last ? pct(last.score) : '(none)'} shown`, `page "${shown.consensus}"`);
  check(shown.chartDots === (doc.rounds || []).length, `${label}: the chart has a dot per measured round`, `${shown.chartDots} dots`);
  check(!shown.resultHidden && shown.resultStatus === (doc.result?.status || 'finished'),
    `${label}: result shown as ${doc.result?.status}`, `hidden=${shown.resultHidden} status=${shown.resultStatus}`);
  check(shown.answer === (doc.result?.answer || ''), `${label}: result answer "${doc.result?.answer}"`, `page "${shown.answer}"`);
}

// ---- the page in German and French ---------------------------------------------------------
// Words each page must show, written here rather than taken from the page's catalogue.
const TRANSLATED = [
  { lang: 'de', how: 'a German browser (locale de-DE)', context: { locale: 'de-DE' }, query: '', shot: 'viewer-de.png',
    status: /^Verbunden mit Roundtable/, phase: 'Beendet', round: /^Runde \d+ von \d+$/, resultTitle: 'Ergebnis',
    detail: /^Nach \d+ Runden? beendet\. /, seatStatus: 'Fertig', confident: / sicher$/, table: 'Am Tisch', debates: 'Debatten',
    transcript: 'Protokoll', roundHeader: /^(Runde \d+|Abschluss)$/, viewers: / Zuschauer$/ },
  { lang: 'fr', how: '?lang=fr (in an English browser)', context: { locale: 'en-US' }, query: '&lang=fr', shot: 'viewer-fr.png',
    status: /^Connecté à Roundtable/, phase: 'Terminé', round: /^Tour \d+ sur \d+$/, resultTitle: 'Résultat',
    detail: /^Terminé après \d+ tours?\. /, seatStatus: 'Terminé', confident: / de confiance$/, table: 'Autour de la table', debates: 'Débats',
    transcript: 'Transcription', roundHeader: /^(Tour \d+|Clôture)$/, viewers: / spectateurs?$/ },
];

// Elements that show the debate's own words (question, names, replies, answers): never translated.
const DEBATE_WORDS = ['#debate-question', '.side-title-text', '.seat-name', '.seat-text', '.stance-answer', '.points', '.avatar',
  '.entry.turn .entry-head strong', '.entry-text', '.chip.answer', '#result-answer', '#result-synthesis', '#result-dissent',
  '#consensus-groups', '#chat-title', '#chat-messages', '#notice'];
// Elements whose aria-label is a debate's word (a seat card is labelled with its agent's name).
const DEBATE_LABELS = ['article.seat'];

// A pattern for each English text of the catalogue that the translation does not share:
// its fixed words in order, placeholders matching anything.
function englishPatterns(messages, lang) {
  const forms = (v) => (v && typeof v === 'object' ? Object.values(v) : [v]);
  const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const out = [];
  for (const [key, value] of Object.entries(messages.en)) {
    const translated = new Set(forms(messages[lang]?.[key]));
    for (const text of forms(value)) {
      if (translated.has(text) || !/\p{L}{3,}/u.test(text.replace(/\{\w+\}/g, ''))) continue;
      const parts = text.split(/\{\w+\}/);
      let source = parts.map(escape).join('[\\s\\S]*?');
      if (/^\p{L}/u.test(text)) source = `(?<!\\p{L})${source}`;
      if (/\p{L}$/u.test(text)) source = `${source}(?!\\p{L})`;
      out.push({ key, text, source });
    }
  }
  return out;
}

// waitFor without page.waitForFunction, whose in-page polling the page's CSP (no eval) refuses.
async function pollFor(page, what, fn, arg, timeout = WAIT_MS) {
  const until = Date.now() + timeout;
  for (;;) {
    const value = await page.evaluate(fn, arg);
    if (value) return log(`seen: ${what}`), value;
    if (Date.now() > until) {
      const state = await pageState(page).catch((x) => ({ error: x.message }));
      throw new Error(`timed out after ${timeout / 1000} s waiting for ${what}; the page: ${JSON.stringify(state)}`);
    }
    await page.waitForTimeout(100);
  }
}

async function checkTranslated(browser, spec, url, question, english, pageErrors) {
  const label = `${spec.lang} page (${spec.how})`;
  const context = await browser.newContext({ ...spec.context, viewport: { width: 1280, height: 1500 }, colorScheme: 'light' });
  const tpage = await context.newPage();
  const csp = [];
  tpage.on('pageerror', (e) => pageErrors.push(`${spec.lang}: ${e.message}`));
  tpage.on('console', (m) => { if (/Content.Security.Policy/i.test(m.text())) csp.push(m.text()); });
  try {
    await tpage.goto(url + spec.query);
    await pollFor(tpage, `${label}: connected, the result and every turn`, (n) => document.querySelector('#status').dataset.state === 'connected'
      && !document.querySelector('#result').hidden && document.querySelectorAll('#transcript li[data-turn-index]').length === n
      && document.querySelector('#metric-viewers').textContent !== '', english.turns.length);
    const shown = await tpage.evaluate(() => {
      const text = (sel) => document.querySelector(sel)?.textContent ?? null;
      return {
        lang: document.documentElement.lang, i18nLang: window.rtViewer.i18n.lang, messages: window.rtViewer.i18n.messages,
        status: text('#status-text'), phase: text('#phase'), round: text('#round'), resultTitle: text('#result-title'),
        detail: text('#result-detail'), consensus: text('#consensus-score'), table: text('#table-title'), transcript: text('#transcript-title'),
        debates: text('.side-title'), viewers: text('#metric-viewers'), question: text('#debate-question'),
        roundHeaders: [...document.querySelectorAll('#transcript .entry-round')].map((li) => li.textContent),
        seatStatus: [...document.querySelectorAll('article.seat .seat-status')].map((s) => s.textContent),
        seatNames: [...document.querySelectorAll('article.seat .seat-name')].map((s) => s.textContent),
        confident: [...document.querySelectorAll('article.seat .stance:not([hidden]) .conf:not([hidden]) .conf-text')].map((s) => s.textContent),
        answers: [...document.querySelectorAll('article.seat')].map((a) => (a.querySelector('.stance').hidden ? null : a.querySelector('.stance-answer').firstChild?.textContent ?? '')),
        turnTexts: [...document.querySelectorAll('#transcript li[data-turn-index] .entry-text')].map((p) => p.textContent),
      };
    });
    check(shown.lang === spec.lang && shown.i18nLang === spec.lang, `${label}: <html lang="${spec.lang}">`, `lang="${shown.lang}", catalogue ${shown.i18nLang}`);
    check(spec.status.test(shown.status), `${label}: the status says ${spec.status}`, `"${shown.status}"`);
    check(shown.phase === spec.phase, `${label}: the phase is "${spec.phase}"`, `"${shown.phase}"`);
    check(spec.round.test(shown.round), `${label}: the round reads ${spec.round}`, `"${shown.round}"`);
    check(shown.resultTitle === spec.resultTitle, `${label}: the result is titled "${spec.resultTitle}"`, `"${shown.resultTitle}"`);
    check(spec.detail.test(shown.detail), `${label}: the result says why it ended ${spec.detail}`, `"${shown.detail}"`);
    check(shown.seatStatus.length > 0 && shown.seatStatus.every((s) => s === spec.seatStatus), `${label}: every seat is "${spec.seatStatus}"`, JSON.stringify(shown.seatStatus));
    check(shown.confident.length > 0 && shown.confident.every((s) => spec.confident.test(s)), `${label}: the stances' confidence reads ${spec.confident}`, JSON.stringify(shown.confident));
    check(shown.table === spec.table && shown.transcript === spec.transcript && shown.debates === spec.debates,
      `${label}: the headings "${spec.debates}", "${spec.table}", "${spec.transcript}"`, JSON.stringify([shown.debates, shown.table, shown.transcript]));
    check(shown.roundHeaders.length > 0 && shown.roundHeaders.every((h) => spec.roundHeader.test(h)), `${label}: the transcript's round headers read ${spec.roundHeader}`, JSON.stringify(shown.roundHeaders));
    check(spec.viewers.test(shown.viewers), `${label}: the footer counts viewers ${spec.viewers}`, `"${shown.viewers}"`);
    // "85 %": a (narrow) no-break space before the sign in both languages; which one is up to the browser's ICU.
    const spaces = (x) => String(x).replace(/[\s\u00a0\u202f]/g, ' ');
    const percent = `${english.consensus.replace(/%$/, '')} %`;
    check(/^\d+%$/.test(english.consensus) && spaces(shown.consensus) === percent && shown.consensus !== percent,
      `${label}: the consensus ${english.consensus} written "${percent}" with a no-break space`, JSON.stringify(shown.consensus));
    // The debate's words stay as they were.
    check(shown.question === question && JSON.stringify(shown.seatNames) === JSON.stringify(english.seats.map((c) => c.name))
      && JSON.stringify(shown.answers) === JSON.stringify(english.seats.map((c) => c.answer))
      && JSON.stringify(shown.turnTexts) === JSON.stringify(english.turns.map((x) => x.text)),
    `${label}: the question, seat names, answers and replies are the debate's own words`);

    // No English text of the catalogue anywhere on the page or in its labels.
    const patterns = englishPatterns(shown.messages, spec.lang);
    const englishShown = await tpage.evaluate(({ patterns, skip, skipLabels }) => {
      const res = patterns.map((p) => ({ ...p, re: new RegExp(p.source, 'u') }));
      const data = (node) => !!node.closest(skip.join(','));
      const found = [];
      const look = (text, where) => { for (const p of res) if (p.re.test(text)) found.push(`${p.key} "${p.text}" in ${where}: "${text.trim().slice(0, 120)}"`); };
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const parent = n.parentElement;
        if (!n.textContent.trim() || !parent || data(parent) || !parent.checkVisibility() || parent.closest('title')) continue;
        look(n.textContent, `<${parent.localName}${parent.id ? `#${parent.id}` : ''}>`);
      }
      for (const node of document.querySelectorAll('[aria-label], [title]')) {
        if (data(node) || node.matches(skipLabels.join(','))) continue;
        for (const attr of ['aria-label', 'title']) if (node.hasAttribute(attr)) look(node.getAttribute(attr), `${attr} of <${node.localName}${node.id ? `#${node.id}` : ''}>`);
      }
      return found;
    }, { patterns, skip: DEBATE_WORDS, skipLabels: DEBATE_LABELS });
    check(!englishShown.length, `${label}: no English text of the catalogue is shown (${patterns.length} English texts looked for)`, englishShown.join(' | '));
    check(!csp.length, `${label}: no Content-Security-Policy violation (the page is not exempted from its CSP here)`, csp.join(' | '));
    await tpage.screenshot({ path: path.join(shotDir, spec.shot) });
    log(`saved ${path.join(shotDir, spec.shot)}`);
  } finally {
    await context.close();
  }
}

// ---- the run ------------------------------------------------------------------------------
let browser = null;
let page = null;
const debates = [];
try {
  const sim = start('roundtable-ollama-sim', simulator, ['--port', '0', '--tps', '20', '--quiet', '--max-seconds', '600'],
    /listening on (http:\/\/\S+)\r?\n/);
  const simUrl = (await sim.ready)[1];
  log(`simulator at ${simUrl}`);

  const port = await freePort();
  const token = crypto.randomBytes(16).toString('hex');
  const debateArgs = (question, db, extra) => ['debate', '--ollama-host', simUrl, '--question', question, '--model', 'llama3.2:1b',
    '--rounds', '2', ...extra, '--serve', String(port), '--viewer-token', token, '--linger', '300', '--db', path.join(tmp, db), '--json'];

  // The browser first, so the page is there while the debate still streams.
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--headless=new'] });
  const context = await browser.newContext({ bypassCSP: true, locale: 'en-US', viewport: { width: 1280, height: 1500 }, colorScheme: 'light' });
  page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  log(`chromium ${browser.version()} started`);

  // 1. Debate 1: the default seats on one model.
  const q1 = 'Is 7 a prime number?';
  const d1 = start('debate 1', roundtable, debateArgs(q1, 'first.db', []), /viewers: (\S+)\r?\n/);
  debates.push(d1);
  const url1 = (await d1.ready)[1];
  log(`debate 1 serving viewers at ${url1}`);
  check(new URL(url1).searchParams.get('token') === token && new URL(url1).port === String(port),
    'the viewers link has the port and the --viewer-token given', url1);
  await page.goto(url1);
  await waitFor(page, 'connected (one hello)', () => window.rtViewer?.connects === 1 && document.querySelector('#status').dataset.state === 'connected');
  await waitFor(page, 'the question and the seat cards',
    (q) => document.querySelector('#debate-question').textContent === q && document.querySelectorAll('article.seat').length >= 3, q1);
  const streamed = await waitFor(page, 'a seat streaming text (or the debate already over)', () => {
    const live = [...document.querySelectorAll('article.seat[data-status=speaking] .seat-text')].find((t) => t.textContent.trim());
    return live ? { seat: live.closest('article').dataset.seat, text: live.textContent } : !document.querySelector('#result').hidden && 'over';
  });
  check(streamed !== 'over', 'text streams into a seat card while the seat speaks', 'the debate was over before any streaming was seen');
  if (streamed !== 'over') log(`seat ${streamed.seat} streaming: "${streamed.text.slice(0, 60)}"`);
  await waitFor(page, 'a finished turn in the transcript', () => document.querySelectorAll('#transcript li[data-turn-index]').length > 0);
  await waitFor(page, 'a consensus score', () => /^\d+%$/.test(document.querySelector('#consensus-score').textContent));
  await waitFor(page, 'the result of debate 1', () => !document.querySelector('#result').hidden && document.querySelector('#result').dataset.status);
  const shown1 = await readPage(page);
  log(`debate 1 on the page: ${shown1.turns.length} turns, consensus ${shown1.consensus}, ${shown1.round}, answer "${shown1.answer}"`);

  // 2. Stop that server while it lingers.
  const { exit: exit1, doc: doc1 } = await stopDebate(d1);
  check(exit1.code === 0, 'debate 1 exits 0 after Ctrl-C while lingering', JSON.stringify(exit1));
  compare('debate 1', shown1, doc1, q1);
  await waitFor(page, 'reconnecting after the server stopped', () => document.querySelector('#status').dataset.state === 'reconnecting');
  const down = await pageState(page);
  log(`page while the server is down: ${down.statusText}`);
  check(down.connects === 1, 'no hello while the server is down', `connects ${down.connects}`);

  // 3. Debate 2 on the same port and token: the page comes back by itself. Three
  // models disagree, so it runs two rounds.
  const q2 = 'Should a small team write the tests first?';
  const d2 = start('debate 2', roundtable,
    debateArgs(q2, 'second.db', ['--agents', 'Proponent=llama3.2:1b,Skeptic=gemma3:1b,Pragmatist=qwen3:0.6b']), /viewers: (\S+)\r?\n/);
  debates.push(d2);
  const url2 = (await d2.ready)[1];
  check(url2 === url1, 'the restarted server has the same viewers link', url2);
  await waitFor(page, 'reconnected to the restarted server (a second hello)',
    () => window.rtViewer.connects === 2 && document.querySelector('#status').dataset.state === 'connected');
  await waitFor(page, 'the new debate', (q) => document.querySelector('#debate-question').textContent === q, q2);
  await waitFor(page, 'the result of debate 2', () => !document.querySelector('#result').hidden && document.querySelector('#result').dataset.status);
  const shown2 = await readPage(page);
  log(`debate 2 on the page: ${shown2.turns.length} turns, consensus ${shown2.consensus}, ${shown2.round}, answer "${shown2.answer}"`);
  fs.mkdirSync(shotDir, { recursive: true });
  await page.screenshot({ path: path.join(shotDir, 'viewer.png') });
  log(`saved ${path.join(shotDir, 'viewer.png')}`);
  check(await page.evaluate(() => document.documentElement.lang) === 'en', 'the English page says <html lang="en">');
  check(shown2.connects === 2 && shown2.connection === 'connected', 'still connected with exactly two hellos (no gap, no extra reconnect)',
    `connects ${shown2.connects}, ${shown2.connection}`);
  check(JSON.stringify(shown2.sidebar) === JSON.stringify([q2]), 'the sidebar lists only the new server\'s debate', JSON.stringify(shown2.sidebar));
  const shownAgain = shown2.turns.filter((t) => shown1.turns.some((o) => o.text === t.text && o.agent === t.agent && o.index === t.index));
  log(`entries equal to one of debate 1's: ${shownAgain.length} (the simulator may answer alike)`);

  // 4. A wrong token: refused, no hello, no retries (checked while debate 2 lingers).
  const wrong = await context.newPage();
  let attempts = 0;
  wrong.on('websocket', () => { attempts += 1; });
  wrong.on('pageerror', (e) => pageErrors.push(e.message));
  const wrongUrl = `http://127.0.0.1:${port}/?token=${crypto.randomBytes(16).toString('hex')}`;
  await wrong.goto(wrongUrl);
  const wrongSince = Date.now();
  let refused = '';
  try {
    // One round trip; 15 s is plenty even on a busy machine.
    await waitFor(wrong, 'a wrong token refused', () => window.rtViewer?.state.connection === 'refused', undefined, 15000);
  } catch (e) {
    refused = e.message;
  }
  // Whatever the outcome: the page must not keep knocking. A refused page has no timer; a
  // retrying one tries again within 0.5, 1, 2 and 4 s: 4 s of watching tells them apart.
  await wrong.waitForTimeout(4000);
  const wrongState = await pageState(wrong);
  const watched = `${((Date.now() - wrongSince) / 1000).toFixed(0)} s`;
  await wrong.screenshot({ path: path.join(shotDir, 'viewer-refused.png') });
  check(!refused, 'a wrong token shows the state "refused"', refused);
  check(wrongState.connects === 0, 'a wrong token never gets a hello', `connects ${wrongState.connects}`);
  if (!check(attempts <= 1, 'a wrong token is tried once, not retried',
    `${attempts} WebSocket attempts in ${watched}, the page says "${wrongState.statusText}"`))
    log(`what the server answers a WebSocket upgrade with a wrong token: ${await probeUpgrade(port)}`);
  log(`wrong-token page after ${watched}: ${wrongState.connection}, "${wrongState.statusText}", ${attempts} WebSocket attempt(s)`);
  await wrong.close();

  // 5. The same debate in German and French.
  for (const spec of TRANSLATED) await checkTranslated(browser, spec, url2, q2, shown2, pageErrors);

  const { exit: exit2, doc: doc2 } = await stopDebate(d2);
  check(exit2.code === 0, 'debate 2 exits 0 after Ctrl-C while lingering', JSON.stringify(exit2));
  compare('debate 2 after the reconnect', shown2, doc2, q2);
  check((doc2.rounds || []).length === 2, 'debate 2 ran two rounds (the consensus was measured twice)', `${(doc2.rounds || []).length} round(s)`);
  check(!pageErrors.length, 'no script errors in the page', pageErrors.join(' | '));
} catch (e) {
  failures.push(e.message);
  console.log(`FAIL ${e.message}`);
  if (page) await page.screenshot({ path: path.join(shotDir, 'viewer-failure.png') }).catch(() => {});
  for (const d of debates) console.log(`--- ${d.name} stderr:\n${d.err.slice(-3000)}`);
} finally {
  await browser?.close().catch(() => {});
  for (const d of debates) if (!d.exit) d.child.kill('SIGINT');
  killAll();
  fs.rmSync(tmp, { recursive: true, force: true });
}

if (failures.length) {
  console.error(`\n${failures.length} check(s) failed after ${elapsed()}:\n- ${failures.join('\n- ')}`);
  process.exit(1);
}
console.log(`\nall viewer checks passed in ${elapsed()}`);
