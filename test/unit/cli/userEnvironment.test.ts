// What the bin's shebang saved (scripts/build.mjs) goes back into the environment before anything runs.
import { describe, expect, it } from 'vitest';
import { restoreUserEnvironment, SAVED_EXTRA_CA_CERTS } from '../../../cli/userEnvironment';

describe('restoring NODE_EXTRA_CA_CERTS after node has started without it', () => {
  it('puts a saved value back and drops the saved copy', () => {
    const env: NodeJS.ProcessEnv = { PATH: '/usr/bin', NODE_EXTRA_CA_CERTS: '', [SAVED_EXTRA_CA_CERTS]: '/etc/ssl/certs/company ca.pem' };
    restoreUserEnvironment(env);
    expect(env).toEqual({ PATH: '/usr/bin', NODE_EXTRA_CA_CERTS: '/etc/ssl/certs/company ca.pem' });
  });

  it('leaves the variable unset when nothing was saved (it was unset, or set empty: env cannot tell)', () => {
    const env: NodeJS.ProcessEnv = { PATH: '/usr/bin', NODE_EXTRA_CA_CERTS: '', [SAVED_EXTRA_CA_CERTS]: '' };
    restoreUserEnvironment(env);
    expect(env).toEqual({ PATH: '/usr/bin' });
  });

  it('changes nothing when node was started without the shebang (node dist/cli.js)', () => {
    const env: NodeJS.ProcessEnv = { PATH: '/usr/bin', NODE_EXTRA_CA_CERTS: '/etc/ssl/certs/ca.pem' };
    restoreUserEnvironment(env);
    expect(env).toEqual({ PATH: '/usr/bin', NODE_EXTRA_CA_CERTS: '/etc/ssl/certs/ca.pem' });
  });
});
