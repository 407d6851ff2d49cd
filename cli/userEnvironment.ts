// Imported first by main.ts for its effect: the user's NODE_EXTRA_CA_CERTS is back in process.env before
// any subcommand runs or spawns anything.
//
// node reads the certificates NODE_EXTRA_CA_CERTS names while it starts, before a line of ours runs: with
// a system bundle (/etc/ssl/certs/ca-certificates.crt, as many company machines set) that is about 90 ms
// of CPU, longer than node's whole start without it, on the way to every launch of `syscall-lens dap`.
// No subcommand makes a TLS connection. So the bin's shebang (scripts/build.mjs) has GNU env start node
// with the variable set empty, which node skips, and its value saved under SAVED_EXTRA_CA_CERTS:
//   #!/usr/bin/env -S NODE_EXTRA_CA_CERTS= SYSCALL_LENS_NODE_EXTRA_CA_CERTS=${NODE_EXTRA_CA_CERTS} node
// and this puts it back, so gdb, the build and the debugged program get the environment the user gave.
// Setting a variable that exists keeps its place in the environment (glibc's setenv, as env and node
// use it), so the program's envp even has it at the same index.
//
// The one thing lost: env expands an unset and an empty variable alike to nothing, so a
// NODE_EXTRA_CA_CERTS set to the empty string (which node ignores) reaches children unset.
// Run as `node dist/cli.js` (no shebang: an env without -S, busybox's) nothing was saved and nothing changes.

/** Where the bin's shebang keeps the user's NODE_EXTRA_CA_CERTS while node starts (scripts/build.mjs). */
export const SAVED_EXTRA_CA_CERTS = 'SYSCALL_LENS_NODE_EXTRA_CA_CERTS';

/** Puts the saved value back (an empty one: the variable was unset) and drops the saved copy. */
export function restoreUserEnvironment(env: NodeJS.ProcessEnv): void {
  const saved = env[SAVED_EXTRA_CA_CERTS];
  if (saved === undefined) return;
  delete env[SAVED_EXTRA_CA_CERTS];
  if (saved === '') delete env.NODE_EXTRA_CA_CERTS;
  else env.NODE_EXTRA_CA_CERTS = saved;
}

restoreUserEnvironment(process.env);
