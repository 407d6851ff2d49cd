// `syscall-lens dap` serves the same adapter over stdio, for DAP clients other than VS Code.
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { describe, expect, it } from 'vitest';
import { bundleAdapter } from './harness';

/** Bundles the CLI beside the adapter bundle, where it looks for it. */
async function bundleCli(): Promise<string> {
  const adapter = await bundleAdapter();
  const outfile = path.join(path.dirname(adapter), 'cli.js');
  await esbuild.build({
    entryPoints: [path.resolve(__dirname, '../../../cli/main.ts')], outfile, bundle: true,
    platform: 'node', target: 'node20', format: 'cjs', logLevel: 'error',
  });
  return outfile;
}

function frame(message: object): string {
  const body = JSON.stringify(message);
  return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

describe('syscall-lens dap', () => {
  it('answers initialize over stdio with the syscall exception filters', async () => {
    const cli = await bundleCli();
    const child = spawn(process.execPath, [cli, 'dap'], { stdio: ['pipe', 'pipe', 'inherit'] });
    let received = '';
    const response = new Promise<{ success: boolean; body: { exceptionBreakpointFilters: Array<{ filter: string }> } }>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        received += chunk.toString();
        const at = received.indexOf('\r\n\r\n');
        const length = Number(/Content-Length: (\d+)/.exec(received)?.[1]);
        if (at >= 0 && received.length >= at + 4 + length) resolve(JSON.parse(received.slice(at + 4, at + 4 + length)));
      });
    });
    child.stdin.write(frame({ seq: 1, type: 'request', command: 'initialize', arguments: { adapterID: 'syscall-gdb', pathFormat: 'path' } }));
    const reply = await response;
    child.kill();
    expect(reply.success).toBe(true);
    expect(reply.body.exceptionBreakpointFilters.map((f) => f.filter)).toEqual(['syscall-entry', 'syscall-return', 'rust-panic']);
  });
});
