// What the editor tests share: `syscall-lens` on a PATH as `npm install -g` would put it (the bundled
// CLI beside its server bundle), a scratch copy of hello.asm, and running an editor headless with a
// driver script that writes what it saw as JSON.
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bundleServer } from '../server/lspClient';
import { run as runProgram } from '../../support/run';

export const ROOT = path.resolve(__dirname, '../../..');

export interface EditorRun {
  /** The editor's working directory, holding hello.asm. */
  work: string;
  file: string;
  env: NodeJS.ProcessEnv;
  output: string;
}

export async function prepareEditorRun(name: string): Promise<EditorRun> {
  const cli = await bundleServer();
  const bin = mkdtempSync(path.join(os.tmpdir(), `${name}-bin-`));
  writeFileSync(path.join(bin, 'syscall-lens'), `#!${process.execPath}\nrequire(${JSON.stringify(cli)});\n`);
  chmodSync(path.join(bin, 'syscall-lens'), 0o755);
  const work = mkdtempSync(path.join(os.tmpdir(), `${name}-work-`));
  const file = path.join(work, 'hello.asm');
  copyFileSync(path.join(ROOT, 'examples/hello.asm'), file);
  const output = path.join(work, 'result.json');
  const env = {
    ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}`, HOME: work,
    SYSCALL_LENS_RESULT: output, SYSCALL_LENS_FILE: file, XDG_STATE_HOME: work, XDG_CACHE_HOME: work, XDG_CONFIG_HOME: work,
  };
  return { work, file, env, output };
}

/** Runs the editor (bounded, killed on timeout) and returns the driver's JSON, or throws with its output. */
export async function runEditor<T extends { error?: string }>(run: EditorRun, program: string, args: string[]): Promise<T> {
  const child = await runProgram(program, args, { cwd: run.work, env: run.env, timeout: 110_000 });
  let result: T;
  try {
    result = JSON.parse(readFileSync(run.output, 'utf8')) as T;
  } catch {
    throw new Error(`${path.basename(program)} wrote no result (status ${child.status}, signal ${child.signal}):\n${child.stdout}\n${child.stderr}`);
  }
  if (result.error) throw new Error(`${path.basename(program)}: ${result.error}\n${child.stderr}`);
  return result;
}
