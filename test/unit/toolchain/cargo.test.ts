import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { executableFromCargoMessages, findCargoManifest, isRustSource } from '../../../toolchain/cargo';

/** One `compiler-artifact` line in the shape of cargo's --message-format=json. */
const artifact = (kind: string, src: string, executable: string | null) =>
  JSON.stringify({ reason: 'compiler-artifact', target: { kind: [kind], name: path.basename(src), src_path: src }, executable });

describe('the binary of a Cargo project', () => {
  it('is the bin whose main file is the source, else the first bin', () => {
    const out = [
      artifact('lib', '/p/src/lib.rs', null),
      'a build script printed this',
      artifact('bin', '/p/src/bin/tool.rs', '/p/target/debug/tool'),
      artifact('bin', '/p/src/main.rs', '/p/target/debug/p'),
      JSON.stringify({ reason: 'build-finished', success: true }),
    ].join('\n');
    expect(executableFromCargoMessages(out, '/p/src/main.rs')).toBe('/p/target/debug/p');
    expect(executableFromCargoMessages(out, '/p/src/util.rs')).toBe('/p/target/debug/tool');
    expect(executableFromCargoMessages(artifact('lib', '/p/src/lib.rs', null), '/p/src/lib.rs')).toBeUndefined();
  });

  it('finds the nearest Cargo.toml above the source', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'cargo-manifest-'));
    mkdirSync(path.join(root, 'src', 'deep'), { recursive: true });
    writeFileSync(path.join(root, 'Cargo.toml'), '[package]\n');
    expect(findCargoManifest(path.join(root, 'src', 'deep', 'x.rs'))).toBe(path.join(root, 'Cargo.toml'));
    expect(isRustSource('main.RS')).toBe(true);
    expect(isRustSource('main.c')).toBe(false);
  });
});
