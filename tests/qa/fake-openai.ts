/** A small OpenAI-compatible server on 127.0.0.1 for the tests: /v1/embeddings and /v1/chat/completions. */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HashingEmbeddings } from '../../src/qa/embeddings.ts';

export interface FakeOpenAI {
  baseUrl: string;
  requests: { path: string; body: any }[];
  close(): Promise<void>;
}

export interface FakeOptions {
  /** Text the chat endpoint answers with (a function sees the request body). */
  reply?: (body: any) => string;
  /** HTTP status for chat requests (default 200). */
  chatStatus?: number;
  /** Delay before answering chat requests, in ms. */
  chatDelayMs?: number;
}

async function readJson(req: IncomingMessage): Promise<any> {
  let data = '';
  for await (const chunk of req) data += chunk;
  return data ? JSON.parse(data) : {};
}

export async function startFakeOpenAI(opts: FakeOptions = {}): Promise<FakeOpenAI> {
  const requests: { path: string; body: any }[] = [];
  const embedder = new HashingEmbeddings({ dimensions: 64 });
  const server: Server = createServer(async (req, res) => {
    const body = await readJson(req);
    requests.push({ path: req.url ?? '', body });
    res.setHeader('content-type', 'application/json');
    if (req.url === '/v1/embeddings') {
      const input: string[] = Array.isArray(body.input) ? body.input : [body.input];
      res.end(JSON.stringify({ object: 'list', model: body.model, data: input.map((t, index) => ({ object: 'embedding', index, embedding: embedder.embed(t) })) }));
      return;
    }
    if (req.url === '/v1/chat/completions') {
      if (opts.chatDelayMs) await new Promise((r) => setTimeout(r, opts.chatDelayMs));
      if (opts.chatStatus && opts.chatStatus !== 200) {
        res.statusCode = opts.chatStatus;
        res.end(JSON.stringify({ error: { message: 'fake failure', type: 'server_error' } }));
        return;
      }
      const content = opts.reply ? opts.reply(body) : 'fake answer';
      res.end(
        JSON.stringify({
          id: 'chatcmpl-fake',
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model: body.model,
          choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
        }),
      );
      return;
    }
    res.statusCode = 404;
    res.end('{}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
