// Editor support: the language service's answers (api/language-service.ts) and `ppl lsp`
// speaking the Language Server Protocol over stdio, as an editor's client does.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KEYWORDS, ModelDocument } from '../api/index.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const BIN = path.join(ROOT, 'dist', 'cli', 'main.js');
const VAE = fs.readFileSync(path.join(ROOT, 'models', 'vae.ppl'), 'utf8');

/** The position of the `nth` occurrence of `text` in `source`, plus `shift` characters. */
function at(source: string, text: string, shift = 0, nth = 1): { line: number; character: number } {
  let i = -1;
  for (let k = 0; k < nth; k++) i = source.indexOf(text, i + 1);
  if (i < 0) throw new Error(`'${text}' not in the source`);
  const before = source.slice(0, i + shift);
  return { line: before.split('\n').length - 1, character: i + shift - before.lastIndexOf('\n') - 1 };
}

describe('the language service', () => {
  const doc = new ModelDocument(VAE, 'vae.ppl');

  it('hovers a latent with its shape, support, guide and gradient estimator', () => {
    const h = doc.hover(at(VAE, 'z ~ Normal(q.loc'));
    expect(h?.markdown).toContain('latent z : real[D]');
    expect(h?.markdown).toContain('local latent, one per data point: real, shape [20]');
    expect(h?.markdown).toContain('prior: Normal(0, 1)');
    expect(h?.markdown).toContain('guide: Normal(q.loc, q.scale)');
    expect(h?.markdown).toContain('gradient: pathwise (reparameterized)');
    expect(doc.hover(at(VAE, 'Bernoulli(', 2))?.markdown).toContain('Bernoulli(logits)');
    expect(doc.hover(at(VAE, 'logits =', 1))?.markdown).toMatch(/Bernoulli\(logits = \.\.\.\)/);
    expect(doc.hover(at(VAE, 'encoder(x)', 2))?.markdown).toMatch(/net: mlp\(784 -> 400, relu\); heads loc: 20/);
  });

  it('goes to the declaration of a name, and of a let in the same block', () => {
    expect(doc.definition(at(VAE, 'decoder(z)', 1))).toEqual({ start: at(VAE, 'decoder :'), end: at(VAE, 'decoder :', 7) });
    expect(doc.definition(at(VAE, 'q.loc'))).toEqual({ start: at(VAE, 'q = encoder'), end: at(VAE, 'q = encoder', 1) });
  });

  it("completes a distribution's argument names inside its parentheses, distributions after ~, keywords at top level", () => {
    const source = 'data x : binary\nlatent z : real\nmodel {\n  z ~ Normal(0, 1)\n  x ~ Bernoulli(\n}\n';
    const d = new ModelDocument(source);
    const inCall = d.completions(at(source, 'Bernoulli(', 10));
    expect(inCall.filter((c) => c.kind === 'argument').map((c) => c.insertText)).toEqual(['probs = ', 'logits = ']);
    expect(inCall.map((c) => c.label)).toContain('z');
    const afterTilde = d.completions(at(source, 'z ~ ', 4)).map((c) => c.label);
    expect(afterTilde).toEqual(expect.arrayContaining(['Normal', 'Beta', 'Categorical', 'auto']));
    const top = d.completions({ line: 0, character: 0 }).map((c) => c.label);
    expect(top).toEqual(expect.arrayContaining(['data', 'latent', 'global', 'param', 'net', 'model', 'guide', 'const']));
    expect(KEYWORDS).toContain('let');
  });

  it('locates every diagnostic in LSP coordinates', () => {
    const bad = 'data x : binary\nmodel {\n  x ~ Bernoulli(logits = w)\n}\n';
    const ds = new ModelDocument(bad).editorDiagnostics();
    const undefinedName = ds.find((d) => d.message.includes("'w'"));
    expect(undefinedName).toMatchObject({ severity: 'error', range: { start: { line: 2, character: 25 }, end: { line: 2, character: 26 } } });
  });
});

/** A minimal LSP client: Content-Length framed JSON-RPC over the child's stdio. */
class Client {
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private readonly waiting: { test: (m: Record<string, unknown>) => boolean; resolve: (m: Record<string, unknown>) => void }[] = [];

  constructor(readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      for (;;) {
        const end = this.buffer.indexOf('\r\n\r\n');
        if (end < 0) return;
        const length = Number(/Content-Length: (\d+)/i.exec(this.buffer.subarray(0, end).toString())![1]);
        if (this.buffer.length < end + 4 + length) return;
        const message = JSON.parse(this.buffer.subarray(end + 4, end + 4 + length).toString()) as Record<string, unknown>;
        this.buffer = this.buffer.subarray(end + 4 + length);
        const i = this.waiting.findIndex((w) => w.test(message));
        if (i >= 0) this.waiting.splice(i, 1)[0]!.resolve(message);
      }
    });
  }

  send(message: Record<string, unknown>): void {
    const body = JSON.stringify({ jsonrpc: '2.0', ...message });
    this.child.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  }

  next(test: (m: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
    return new Promise((resolve) => this.waiting.push({ test, resolve }));
  }

  request(method: string, params: unknown): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    const reply = this.next((m) => m['id'] === id);
    this.send({ id, method, params });
    return reply;
  }
}

describe.skipIf(!fs.existsSync(BIN))('ppl lsp (built by `npm run build`)', () => {
  it('answers over stdio: a bad document gets located diagnostics, then hover and completion', async () => {
    const child = spawn(process.execPath, [BIN, 'lsp', '--stdio'], { cwd: ROOT });
    const client = new Client(child);
    try {
      const init = await client.request('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
      expect((init['result'] as { capabilities: Record<string, unknown> }).capabilities).toMatchObject({ hoverProvider: true, definitionProvider: true });
      client.send({ method: 'initialized', params: {} });
      const uri = 'file:///tmp/bad.ppl';
      const text = 'data x : binary[784]\nlatent z : real[2]\nmodel {\n  z ~ Normal(0, 1)\n  x ~ Bernoulli(logits = w)\n}\n';
      const published = client.next((m) => m['method'] === 'textDocument/publishDiagnostics');
      client.send({ method: 'textDocument/didOpen', params: { textDocument: { uri, languageId: 'ppl', version: 1, text } } });
      const { params } = (await published) as { params: { uri: string; diagnostics: { range: unknown; severity: number; message: string; source: string }[] } };
      expect(params.uri).toBe(uri);
      const undefinedName = params.diagnostics.find((d) => d.message.includes("'w'"));
      expect(undefinedName).toMatchObject({ severity: 1, source: 'ppl', range: { start: { line: 4, character: 25 }, end: { line: 4, character: 26 } } });

      const hover = await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 3, character: 7 } });
      expect(JSON.stringify(hover['result'])).toContain('Normal(loc, scale)');
      const completion = await client.request('textDocument/completion', { textDocument: { uri }, position: { line: 4, character: 16 } });
      expect((completion['result'] as { label: string }[]).map((c) => c.label)).toEqual(expect.arrayContaining(['probs', 'logits']));

      await client.request('shutdown', null);
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      client.send({ method: 'exit' });
      expect(await exited).toBe(0);
    } finally {
      child.kill();
    }
  }, 60_000);
});
