// make bench-peers: the generated streams (build/bench --write-streams)
// through other libraries' real streaming paths. Each gets a custom fetch
// that serves the file's bytes as a ReadableStream in 16 KiB chunks (status
// 200, text/event-stream); the whole stream is consumed, the peer's final
// text and tool calls are checked once against what the stream spells (a
// peer that parsed nothing fails), then MB/s is the median of RUNS runs.
// llmg is timed as a whole process on the same file (llmg replay
// --final-only --chunk 16384), startup included.
import fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { streamText, jsonSchema, tool } from 'ai';
import { createOpenAI } from '@ai-sdk/openai';
import { createAnthropic } from '@ai-sdk/anthropic';
import { createParser } from 'eventsource-parser';
import { getModels, stream as piStream } from '@mariozechner/pi-ai';

const [dir, llmg] = process.argv.slice(2);
const RUNS = Number(process.env.RUNS || 3);
const CHUNK = 16384;
const KEYS = ['anthropic_messages', 'openai_completions', 'openai_responses', 'openai_codex', 'groq_completions'];
const TOOL_NAMES = ['write_file', 'edit_file', 'run_shell', 'search_code'];

function fakeFetch(bytes) {
  return async (_url, init) => {
    if (init && init.body && typeof init.body.cancel === 'function') await init.body.cancel();
    let at = 0;
    const body = new ReadableStream({
      pull(c) {
        if (at >= bytes.length) { c.close(); return; }
        c.enqueue(bytes.subarray(at, Math.min(at + CHUNK, bytes.length)));
        at += CHUNK;
      },
    });
    return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
  };
}

const canon = (v) => JSON.stringify(typeof v === 'string' ? JSON.parse(v) : v);
const BASE = 'http://bench.invalid';

// Each driver returns { text, tools: [{ id, name, args }] } (args: string or object).
const drivers = {
  'eventsource-parser': {
    what: 'SSE parse + JSON.parse of each data line (a floor)',
    apis: Object.fromEntries(KEYS.map((k) => [k, async (bytes) => {
      let events = 0;
      const parser = createParser({ onEvent(ev) { events++; if (ev.data !== '[DONE]') JSON.parse(ev.data); } });
      const dec = new TextDecoder();
      const res = await fakeFetch(bytes)();
      for await (const chunk of res.body) parser.feed(dec.decode(chunk, { stream: true }));
      return { events };
    }])),
  },
  openai: {
    what: 'openai SDK: chat.completions.stream / responses.stream and their final object; Codex: responses.create({stream:true}) events (see notes)',
    apis: {
      openai_completions: (b) => openaiChat(b, 'gpt-5.1'),
      groq_completions: (b) => openaiChat(b, 'openai/gpt-oss-120b'),
      openai_responses: (b) => openaiResponses(b),
      openai_codex: (b) => openaiResponsesEvents(b),
    },
  },
  '@anthropic-ai/sdk': {
    what: 'messages.stream, finalMessage',
    apis: {
      anthropic_messages: async (bytes) => {
        const client = new Anthropic({ apiKey: 'KEY', baseURL: BASE, fetch: fakeFetch(bytes), maxRetries: 0 });
        const s = client.messages.stream({ model: 'claude-sonnet-4-20250514', max_tokens: 20480,
                                           messages: [{ role: 'user', content: 'hi' }] });
        const m = await s.finalMessage();
        return fromBlocks(m.content, 'text', 'text', 'tool_use', (c) => ({ id: c.id, name: c.name, args: c.input }));
      },
    },
  },
  ai: {
    what: 'Vercel AI SDK streamText (@ai-sdk/openai .chat/.responses, @ai-sdk/anthropic)',
    apis: {
      anthropic_messages: (b) => aiSdk(createAnthropic({ apiKey: 'KEY', baseURL: BASE + '/v1', fetch: fakeFetch(b) })('claude-sonnet-4-20250514')),
      openai_completions: (b) => aiSdk(createOpenAI({ apiKey: 'KEY', baseURL: BASE + '/v1', fetch: fakeFetch(b) }).chat('gpt-5.1')),
      groq_completions: (b) => aiSdk(createOpenAI({ apiKey: 'KEY', baseURL: BASE + '/v1', fetch: fakeFetch(b) }).chat('openai/gpt-oss-120b')),
      openai_responses: (b) => aiSdk(createOpenAI({ apiKey: 'KEY', baseURL: BASE + '/v1', fetch: fakeFetch(b) }).responses('gpt-5.4')),
      openai_codex: (b) => aiSdk(createOpenAI({ apiKey: 'KEY', baseURL: BASE + '/v1', fetch: fakeFetch(b) }).responses('gpt-5.4')),
    },
  },
  'pi-ai': {
    what: 'stream(model, context) and its result(); fetch replaced globally (pi-ai takes no fetch option)',
    apis: {
      anthropic_messages: (b) => pi(b, 'anthropic', 'anthropic-messages'),
      openai_completions: (b) => pi(b, 'openai', 'openai-completions'),
      openai_responses: (b) => pi(b, 'openai', 'openai-responses'),
      openai_codex: (b) => pi(b, 'openai-codex', 'openai-codex-responses'),
      groq_completions: (b) => pi(b, 'groq', 'openai-completions'),
    },
  },
};

function fromBlocks(content, textType, textKey, toolType, tool) {
  return {
    text: content.filter((c) => c.type === textType).map((c) => c[textKey]).join(''),
    tools: content.filter((c) => c.type === toolType).map(tool),
  };
}

async function openaiChat(bytes, model) {
  const client = new OpenAI({ apiKey: 'KEY', baseURL: BASE + '/v1', fetch: fakeFetch(bytes), maxRetries: 0 });
  const s = client.chat.completions.stream({ model, messages: [{ role: 'user', content: 'hi' }] });
  const c = await s.finalChatCompletion();
  const m = c.choices[0].message;
  return { text: m.content || '', tools: (m.tool_calls || []).map((t) => ({ id: t.id, name: t.function.name, args: t.function.arguments })) };
}

async function openaiResponses(bytes) {
  const client = new OpenAI({ apiKey: 'KEY', baseURL: BASE + '/v1', fetch: fakeFetch(bytes), maxRetries: 0 });
  const s = client.responses.stream({ model: 'gpt-5.4', input: 'hi' });
  const r = await s.finalResponse();
  const text = r.output.filter((o) => o.type === 'message')
    .flatMap((o) => o.content).filter((c) => c.type === 'output_text').map((c) => c.text).join('');
  const tools = r.output.filter((o) => o.type === 'function_call').map((o) => ({ id: o.call_id, name: o.name, args: o.arguments }));
  return { text, tools };
}

// The Codex backend's response.completed has no "output": responses.stream's
// final object cannot be built from it, so the events are read instead.
async function openaiResponsesEvents(bytes) {
  const client = new OpenAI({ apiKey: 'KEY', baseURL: BASE + '/v1', fetch: fakeFetch(bytes), maxRetries: 0 });
  const s = await client.responses.create({ model: 'gpt-5.4', input: 'hi', stream: true });
  let text = '';
  const tools = [];
  for await (const ev of s) {
    if (ev.type === 'response.output_text.delta') text += ev.delta;
    else if (ev.type === 'response.output_item.done' && ev.item.type === 'function_call')
      tools.push({ id: ev.item.call_id, name: ev.item.name, args: ev.item.arguments });
  }
  return { text, tools };
}

const aiTools = Object.fromEntries(TOOL_NAMES.map((n) => [n, tool({ description: n, inputSchema: jsonSchema({ type: 'object' }) })]));
async function aiSdk(model) {
  let failure = null;
  const r = streamText({ model, prompt: 'hi', tools: aiTools, maxRetries: 0, onError: ({ error }) => { failure = error; } });
  for await (const part of r.fullStream) { if (part.type === 'error') failure = part.error; }
  if (failure) throw failure;
  const calls = await r.toolCalls;
  return { text: await r.text, tools: calls.map((c) => ({ id: c.toolCallId, name: c.toolName, args: c.input })) };
}

const piTools = TOOL_NAMES.map((n) => ({ name: n, description: n, parameters: { type: 'object', properties: {} } }));
async function pi(bytes, provider, api) {
  // Chat Completions against OpenAI: pi-ai lists OpenAI models on Responses; the
  // same model declared on openai-completions (its custom-model path).
  const models = getModels(provider);
  const found = models.find((m) => m.api === api && /sonnet-4|gpt-5|gpt-oss/.test(m.id)) ||
                models.find((m) => m.api === api) || models[0];
  if (!found) throw new Error(`pi-ai has no ${provider} model`);
  const model = { ...found, api, baseUrl: BASE + '/v1' };
  const saved = globalThis.fetch;
  globalThis.fetch = fakeFetch(bytes);
  try {
    const s = piStream(model, { messages: [{ role: 'user', content: 'hi', timestamp: 0 }], tools: piTools },
                       { apiKey: fakeJwt() });
    for await (const _ev of s) { /* consume every event */ }
    const m = await s.result();
    if (m.stopReason === 'error' || m.stopReason === 'aborted') throw new Error(m.errorMessage || m.stopReason);
    return fromBlocks(m.content, 'text', 'text', 'toolCall', (c) => ({ id: c.id, name: c.name, args: c.arguments }));
  } finally {
    globalThis.fetch = saved;
  }
}
// Codex wants an OAuth access token (a JWT naming the account); any shape-valid one will do here.
function fakeJwt() {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b64({ alg: 'none' })}.${b64({ 'https://api.openai.com/auth': { chatgpt_account_id: 'acct_bench' } })}.sig`;
}

function check(res, exp) {
  if ('events' in res) {
    if (res.events !== exp.events) throw new Error(`${res.events} events, expected ${exp.events}`);
    return;
  }
  if (res.text !== exp.text) throw new Error(`text: ${res.text.length} chars, expected ${exp.text.length}`);
  if (res.tools.length !== exp.tools.length) throw new Error(`${res.tools.length} tool calls, expected ${exp.tools.length}`);
  res.tools.forEach((t, i) => {
    const e = exp.tools[i];
    if (t.name !== e.name) throw new Error(`tool ${i}: name ${t.name}, expected ${e.name}`);
    if (canon(t.args) !== canon(e.arguments)) throw new Error(`tool ${i}: arguments differ`);
  });
}

const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const seconds = (t0) => Number(process.hrtime.bigint() - t0) / 1e9;

function llmgRate(key, file, size) {
  const ts = [];
  for (let i = 0; i <= RUNS; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(llmg, ['replay', '--provider', key, '--final-only', '--chunk', '16384', file],
                        { maxBuffer: 1 << 30 });
    const t = seconds(t0);
    if (r.status !== 0 || !r.stdout.includes('"type":"message_end"')) throw new Error(`llmg replay failed on ${file}`);
    if (i > 0) ts.push(t);                  // the first run warms the page cache
  }
  return size / median(ts) / 1e6;
}

const peers = Object.keys(drivers);
const table = [];
const notes = [];
for (const key of KEYS) {
  const file = `${dir}/${key}.sse`;
  const bytes = new Uint8Array(fs.readFileSync(file));
  const exp = JSON.parse(fs.readFileSync(`${dir}/${key}.expect.json`, 'utf8'));
  const row = { key, mb: bytes.length / 1e6, peers: {} };
  for (const p of peers) {
    const fn = drivers[p].apis[key];
    if (!fn) { row.peers[p] = '-'; continue; }
    try {
      check(await fn(bytes), exp);           // once, checked (and a warm-up)
      const ts = [];
      for (let i = 0; i < RUNS; i++) {
        const t0 = process.hrtime.bigint();
        await fn(bytes);
        ts.push(seconds(t0));
      }
      row.peers[p] = bytes.length / median(ts) / 1e6;
    } catch (e) {
      row.peers[p] = 'fail';
      notes.push(`${p} on ${key}: ${String(e && e.message || e).split('\n')[0].slice(0, 160)}`);
    }
  }
  row.llmg = llmgRate(key, file, bytes.length);
  table.push(row);
  process.stderr.write(`  done ${key}\n`);
}

const fmt = (v) => (typeof v === 'number' ? v.toFixed(1) : v);
console.log(`\nPeers: MB/s on the generated streams (median of ${RUNS} runs after one checked run; 16 KiB chunks; node ${process.version})`);
console.log(['stream', 'MB', ...peers, 'llmg (process)', 'x fastest lib', 'x floor'].join(' | '));
for (const r of table) {
  const libs = peers.filter((p) => p !== 'eventsource-parser' && typeof r.peers[p] === 'number');
  const best = libs.length ? Math.max(...libs.map((p) => r.peers[p])) : NaN;
  const floor = r.peers['eventsource-parser'];
  console.log([r.key, r.mb.toFixed(1), ...peers.map((p) => fmt(r.peers[p])), r.llmg.toFixed(1),
               Number.isNaN(best) ? '-' : (r.llmg / best).toFixed(2),
               typeof floor === 'number' ? (r.llmg / floor).toFixed(2) : '-'].join(' | '));
}
console.log('\nWhat each peer does:');
for (const p of peers) console.log(`  ${p}: ${drivers[p].what}`);
if (notes.length) { console.log('\nPeers that could not be driven or failed the check:'); for (const n of notes) console.log(`  ${n}`); }
