// Cross-check of roundtable-ollama-sim against the official `ollama` npm client:
// if the client accepts what the simulator sends, our simulator is not
// inventing a protocol. Usage: node crosscheck.mjs http://127.0.0.1:PORT
import { Ollama } from 'ollama';
import { pathToFileURL } from 'node:url';

class Mismatch extends Error {}

function expect(cond, message) {
  if (!cond) throw new Mismatch(message);
}

async function expectReject(promiseOrFn, check, what) {
  try {
    await (typeof promiseOrFn === 'function' ? promiseOrFn() : promiseOrFn);
  } catch (err) {
    const problem = check(err);
    if (problem) throw new Mismatch(`${what}: ${problem} (got ${err?.name}: ${err?.message})`);
    return err;
  }
  throw new Mismatch(`${what}: expected an error, got success`);
}

async function stats(url) {
  const r = await fetch(`${url}/_sim/stats`);
  return r.json();
}

async function control(url, path, body) {
  const r = await fetch(`${url}${path}`, { method: 'POST', body: JSON.stringify(body ?? {}) });
  expect(r.ok, `${path} answered ${r.status}`);
}

async function collect(stream) {
  const parts = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

export async function runChecks(url, log = console.log) {
  const ollama = new Ollama({ host: url });
  const checks = [];
  const check = (name, fn) => checks.push({ name, fn });

  check('version', async () => {
    const v = await ollama.version();
    expect(typeof v.version === 'string' && /^\d+\.\d+\.\d+/.test(v.version), `version: ${JSON.stringify(v)}`);
  });

  check('list', async () => {
    const { models } = await ollama.list();
    const names = models.map((m) => m.name);
    for (const n of ['llama3.2:1b', 'qwen3:0.6b', 'gemma3:1b', 'nomic-embed-text:latest', 'sim-slow:latest'])
      expect(names.includes(n), `list lacks ${n}: ${names}`);
    for (const m of models) {
      expect(m.model === m.name && typeof m.digest === 'string' && m.size > 0, `bad entry ${JSON.stringify(m)}`);
      expect(!Number.isNaN(Date.parse(m.modified_at)), `modified_at not a date: ${m.modified_at}`);
      expect(m.details && m.details.family && m.details.parameter_size, `details missing: ${JSON.stringify(m)}`);
    }
  });

  check('show', async () => {
    const s = await ollama.show({ model: 'llama3.2:1b' });
    expect(s.details.family === 'llama', `family ${s.details.family}`);
    expect(s.model_info['llama.context_length'] === 131072, 'model_info llama.context_length');
    expect(Array.isArray(s.capabilities) && s.capabilities.includes('tools'), `capabilities ${s.capabilities}`);
    await expectReject(ollama.show({ model: 'nope:1b' }), (e) => (e.status_code === 404 ? null : 'want 404'), 'show unknown');
  });

  check('chat streaming', async () => {
    const parts = await collect(
      await ollama.chat({ model: 'llama3.2:1b', messages: [{ role: 'user', content: 'hello' }], stream: true }),
    );
    const last = parts.at(-1);
    expect(last.done === true && last.done_reason === 'stop', `last part ${JSON.stringify(last)}`);
    expect(last.eval_count === 40 && parts.length === 41, `eval_count ${last.eval_count}, parts ${parts.length}`);
    expect(last.total_duration > 0 && last.prompt_eval_count > 0, 'metrics missing');
    const content = parts.map((p) => p.message.content).join('');
    expect(content.length > 40 && /[^\x00-\x7f]/.test(content), `content ${JSON.stringify(content)}`);
    const single = await ollama.chat({ model: 'llama3.2:1b', messages: [{ role: 'user', content: 'hello' }] });
    expect(single.done === true && single.message.content === content, 'stream:false differs from the stream');
  });

  check('chat format schema', async () => {
    const schema = {
      type: 'object',
      properties: {
        stance: { type: 'string', enum: ['agree', 'disagree'] },
        confidence: { type: 'number', minimum: 0, maximum: 1 },
        reasons: { type: 'array', items: { type: 'string' }, maxItems: 3 },
        detail: { type: 'object', properties: { round: { type: 'integer' } }, required: ['round'] },
      },
      required: ['stance', 'confidence', 'reasons', 'detail'],
    };
    const r = await ollama.chat({
      model: 'llama3.2:1b',
      messages: [{ role: 'user', content: 'take a stance' }],
      format: schema,
    });
    const value = JSON.parse(r.message.content);
    expect(['agree', 'disagree'].includes(value.stance), `stance ${value.stance}`);
    expect(value.confidence >= 0 && value.confidence <= 1, `confidence ${value.confidence}`);
    expect(Array.isArray(value.reasons) && value.reasons.length <= 3, 'reasons');
    expect(Number.isInteger(value.detail.round), 'detail.round');
  });

  check('chat thinking', async () => {
    const parts = await collect(
      await ollama.chat({ model: 'qwen3:0.6b', messages: [{ role: 'user', content: 'why' }], think: true, stream: true }),
    );
    const firstContent = parts.findIndex((p) => p.message.content);
    const lastThinking = parts.findLastIndex((p) => p.message.thinking);
    expect(lastThinking >= 0 && firstContent > lastThinking, 'thinking must precede content');
    await expectReject(
      ollama.chat({ model: 'gemma3:1b', messages: [{ role: 'user', content: 'x' }], think: true }),
      (e) => (e.status_code === 400 && /does not support thinking/.test(e.message) ? null : 'want 400 thinking'),
      'think on gemma3',
    );
  });

  check('chat errors', async () => {
    await expectReject(
      ollama.chat({ model: 'nope', messages: [{ role: 'user', content: 'x' }] }),
      (e) => (e.status_code === 404 && e.message === "model 'nope' not found" ? null : 'want 404 model not found'),
      'missing model',
    );
    const busy = new Ollama({ host: url, headers: { 'X-Sim-Fault': 'busy' } });
    await expectReject(
      busy.chat({ model: 'llama3.2:1b', messages: [{ role: 'user', content: 'x' }] }),
      (e) => (e.status_code === 503 ? null : 'want 503'),
      'busy',
    );
    const broken = new Ollama({ host: url, headers: { 'X-Sim-Fault': 'error_midstream:2' } });
    const stream = await broken.chat({ model: 'llama3.2:1b', messages: [{ role: 'user', content: 'x' }], stream: true });
    await expectReject(
      () => collect(stream),
      (e) => (/model runner has unexpectedly stopped/.test(e.message) ? null : 'want the error line'),
      'error mid-stream',
    );
    const dropped = new Ollama({ host: url, headers: { 'X-Sim-Fault': 'drop:2' } });
    const dstream = await dropped.chat({ model: 'llama3.2:1b', messages: [{ role: 'user', content: 'x' }], stream: true });
    await expectReject(() => collect(dstream), () => null, 'dropped connection');
  });

  check('split UTF-8 across reads', async () => {
    const messages = [{ role: 'user', content: 'utf8' }];
    const normal = (await collect(await ollama.chat({ model: 'llama3.2:1b', messages, stream: true })))
      .map((p) => p.message.content)
      .join('');
    const split = new Ollama({ host: url, headers: { 'X-Sim-Fault': 'split_utf8' } });
    const got = (await collect(await split.chat({ model: 'llama3.2:1b', messages, stream: true })))
      .map((p) => p.message.content)
      .join('');
    expect(got === normal, 'content differs when bytes arrive one at a time');
  });

  check('abort closes the connection', async () => {
    await control(url, '/_sim/reset');
    const stream = await ollama.chat({ model: 'sim-slow', messages: [{ role: 'user', content: 'x' }], stream: true });
    let n = 0;
    try {
      for await (const _ of stream) {
        if (++n === 2) stream.abort();
      }
      throw new Mismatch('iteration went on after abort');
    } catch (e) {
      if (e instanceof Mismatch) throw e;
    }
    let closed = 0;
    for (let i = 0; i < 50 && closed === 0; ++i) {
      await new Promise((r) => setTimeout(r, 50));
      closed = (await stats(url)).client_closed_early;
    }
    expect(closed === 1, `client_closed_early ${closed}`);
  });

  check('generate', async () => {
    const r = await ollama.generate({ model: 'llama3.2:1b', prompt: 'why' });
    expect(r.done === true && r.response.length > 0 && Array.isArray(r.context), 'generate stream:false');
    const parts = await collect(await ollama.generate({ model: 'llama3.2:1b', prompt: 'why', stream: true }));
    expect(parts.map((p) => p.response).join('') === r.response, 'streamed generate differs');
  });

  check('pull streaming', async () => {
    const statuses = [];
    for await (const p of await ollama.pull({ model: 'tinyllama', stream: true })) {
      statuses.push(p.status);
      if (p.total !== undefined && p.completed !== undefined)
        expect(p.completed <= p.total, `completed > total: ${JSON.stringify(p)}`);
    }
    expect(statuses[0] === 'pulling manifest' && statuses.at(-1) === 'success', `statuses ${statuses}`);
    expect(statuses.includes('verifying sha256 digest') && statuses.includes('writing manifest'), 'missing steps');
    expect(statuses.some((s) => /^pulling [0-9a-f]{12}$/.test(s)), 'no layer lines');
    const { models } = await ollama.list();
    expect(models.some((m) => m.name === 'tinyllama:latest'), 'pulled model not listed');
    await expectReject(
      async () => collect(await ollama.pull({ model: 'does-not-exist', stream: true })),
      (e) => (e.message === 'pull model manifest: file does not exist' ? null : 'want manifest error'),
      'pull unknown',
    );
    const single = await ollama.pull({ model: 'all-minilm' });
    expect(single.status === 'success', `pull stream:false ${JSON.stringify(single)}`);
  });

  check('delete', async () => {
    const r = await ollama.delete({ model: 'gemma3:1b' });
    expect(r.status === 'success', 'delete');
    const { models } = await ollama.list();
    expect(!models.some((m) => m.name === 'gemma3:1b'), 'deleted model still listed');
    await expectReject(ollama.delete({ model: 'gemma3:1b' }), (e) => (e.status_code === 404 ? null : 'want 404'), 'delete twice');
  });

  check('embed and ps', async () => {
    const e = await ollama.embed({ model: 'nomic-embed-text', input: ['the cat sat', 'the cat ran', 'quantum flux'] });
    expect(e.embeddings.length === 3 && e.embeddings[0].length === 768, 'embed shape');
    const dot = (a, b) => a.reduce((s, x, i) => s + x * b[i], 0);
    expect(Math.abs(dot(e.embeddings[0], e.embeddings[0]) - 1) < 1e-4, 'not normalised');
    expect(dot(e.embeddings[0], e.embeddings[1]) > dot(e.embeddings[0], e.embeddings[2]), 'similarity order');
    const ps = await ollama.ps();
    expect(ps.models.some((m) => m.name === 'nomic-embed-text:latest' && m.size_vram > 0 && m.expires_at), 'ps');
  });

  let failed = 0;
  await control(url, '/_sim/reset');
  for (const { name, fn } of checks) {
    try {
      await fn();
      log(`PASS   : ${name}`);
    } catch (err) {
      failed += 1;
      log(`FAIL!  : ${name}: ${err instanceof Mismatch ? err.message : err?.stack ?? err}`);
    }
  }
  log(`${checks.length - failed} passed, ${failed} failed`);
  return failed;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const url = process.argv[2];
  if (!url) {
    console.error('usage: node crosscheck.mjs http://127.0.0.1:PORT');
    process.exit(2);
  }
  process.exitCode = (await runChecks(url)) === 0 ? 0 : 1;
}
