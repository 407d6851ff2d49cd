/**
 * End-to-end harness: drives a REAL VS Code (code-server 4.139.1 = VS Code 1.139.1) in Debian's chromium
 * with our packaged .vsix installed. Nothing is mocked: the extension host, language server, debug
 * adapter and webviews all run as they do for a user.
 *
 * API (all line/column numbers are 1-based, as VS Code shows them):
 *
 *   const vscode = await startVSCode({ folder, trusted, settings });   // → { page, url, close(), … }
 *   await openFile(vscode.page, 'hello.asm');                           // Quick Open, waits for the editor
 *   await waitForTokens(vscode.page);                                   // grammar colours applied
 *   const token = await inspectToken(vscode.page, 16, 9);               // { text, language, scopes[] }
 *   const text = await hover(vscode.page, 20, 9, 'write');              // hover contents (waits for 'write')
 *   await runCommand(vscode.page, 'Syscall Lens: Trace Program');       // Command Palette by title
 *   await goToPosition(page, line, column);  await statusBarText(page, 'status.editor.mode');
 *   await editorLines(page);  await notifications(page);  await screenshot(page, 'name');  // → artifacts/name.png
 *   await vscode.close();                                               // browser, code-server and all its children
 *
 * Typical test:
 *   let vscode: VSCodeSession;
 *   beforeAll(async () => { vscode = await startVSCode({ folder: EXAMPLES }); });
 *   afterAll(async () => { await vscode?.close(); });
 *
 * What startVSCode does: packages the extension once per test file (scripts/package-for-tests.mjs
 * --vsix-only; set SYSCALL_LENS_VSIX to reuse a .vsix), installs code-server into its cache when missing
 * (scripts/install-code-server.mjs; minutes the first time, instant afterwards), installs the .vsix into
 * a fresh extensions dir, writes user settings, serves on 127.0.0.1 with a port the OS picks, and opens
 * the folder in headless chromium. Trusted sessions disable workspace trust; `trusted: false` opens
 * the folder in Restricted Mode without a prompt. Each session gets its own temporary user-data and
 * extensions dirs, removed on close (kept when SYSCALL_LENS_KEEP_E2E=1, for debugging).
 *
 * When a test fails, look at `vscode.serverLog()` (code-server's output), `vscode.consoleErrors`
 * (the page's console errors) and `vscode.extensionHostLogs()` (the extension host and our output
 * channels, from the user-data dir).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const REPO_ROOT = path.resolve(__dirname, '../..');
export const EXAMPLES = path.join(REPO_ROOT, 'examples');
export const ARTIFACTS = path.join(REPO_ROOT, 'artifacts');

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];

/** Settings that keep the workbench quiet and deterministic: no welcome page, AI chat, git prompts or tips. */
const QUIET_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.disableAIFeatures': true,
  'git.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
  'extensions.ignoreRecommendations': true,
  'extensions.autoCheckUpdates': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'editor.minimap.enabled': false,
};

export interface StartOptions {
  /** The folder to open (absolute). */
  folder: string;
  /** true (default): workspace trust disabled, so building/debugging/tracing work. false: Restricted Mode. */
  trusted?: boolean;
  /** Extra user settings, merged over the harness defaults. */
  settings?: Record<string, unknown>;
  viewport?: { width: number; height: number };
  /** How long to wait for the workbench to appear (ms). */
  timeoutMs?: number;
}

export interface VSCodeSession {
  page: Page;
  browser: Browser;
  /** The served workbench URL (with ?folder=). */
  url: string;
  folder: string;
  userDataDir: string;
  extensionsDir: string;
  /** Console errors from the page, for diagnosing failures. */
  consoleErrors: string[];
  /** code-server's own stdout/stderr so far. */
  serverLog(): string;
  /** The extension host and output-channel logs written so far, by file name. */
  extensionHostLogs(): Record<string, string>;
  close(): Promise<void>;
}

interface CodeServerInstall { dir: string; node: string; entry: string }

let installed: CodeServerInstall | undefined;
let packaged: string | undefined;

/** Installs code-server into its cache if needed (slow only the first time) and returns where it is. */
export function ensureCodeServer(): CodeServerInstall {
  if (installed) return installed;
  const result = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts/install-code-server.mjs')], {
    cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], shell: false,
  });
  if (result.status !== 0) throw new Error('Installing code-server failed; its messages are above. Run: node scripts/install-code-server.mjs');
  installed = JSON.parse(result.stdout.trim().split('\n').pop()!) as CodeServerInstall;
  return installed;
}

/** Builds the production .vsix (once per test file) unless SYSCALL_LENS_VSIX names one. */
export function packagedExtension(): string {
  if (process.env.SYSCALL_LENS_VSIX) return path.resolve(process.env.SYSCALL_LENS_VSIX);
  if (packaged) return packaged;
  const result = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts/package-for-tests.mjs'), '--vsix-only'], {
    cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], shell: false,
  });
  if (result.status !== 0) throw new Error('Packaging the extension failed; see the messages above (scripts/package-for-tests.mjs).');
  packaged = result.stdout.trim().split('\n').pop()!;
  return packaged;
}

/** Installs the .vsix into an extensions dir with code-server's own CLI, exactly as a user would. */
export function installExtension(codeServer: CodeServerInstall, vsix: string, extensionsDir: string, userDataDir: string): void {
  const result = spawnSync(codeServer.node, [
    codeServer.entry, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir,
    '--config', path.join(userDataDir, 'config.yaml'), '--install-extension', vsix,
  ], { encoding: 'utf8', shell: false, timeout: 120_000 });
  if (result.status !== 0 || !/successfully installed/i.test(result.stdout)) {
    throw new Error(`code-server --install-extension ${path.basename(vsix)} failed:\n${result.stdout}\n${result.stderr}`);
  }
}

function writeUserSettings(userDataDir: string, trusted: boolean, extra: Record<string, unknown>): void {
  const trust = trusted
    ? { 'security.workspace.trust.enabled': false }
    : {
      'security.workspace.trust.enabled': true,
      // No modal: the folder simply opens in Restricted Mode, as after answering "No, I don't trust".
      'security.workspace.trust.startupPrompt': 'never',
      'security.workspace.trust.emptyWindow': false,
    };
  mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  writeFileSync(path.join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({ ...QUIET_SETTINGS, ...trust, ...extra }, null, 2));
}

/** Starts code-server on a port the OS picks and resolves with its URL once it listens. */
function serve(codeServer: CodeServerInstall, userDataDir: string, extensionsDir: string, folder: string, log: string[]) {
  const child = spawn(codeServer.node, [
    codeServer.entry, '--auth', 'none', '--bind-addr', '127.0.0.1:0', '--disable-telemetry', '--disable-update-check',
    '--disable-getting-started-override', '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir,
    '--config', path.join(userDataDir, 'config.yaml'), folder,
  ], {
    // Its own process group, so close() can end code-server together with every process it started
    // (extension host, language server, gdb, strace …) and nothing else.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    shell: false,
    env: { ...process.env, XDG_CONFIG_HOME: path.join(userDataDir, 'xdg-config'), XDG_DATA_HOME: path.join(userDataDir, 'xdg-data') },
  });
  const url = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`code-server did not start listening within 60 s:\n${log.join('')}`)), 60_000);
    const onData = (chunk: Buffer) => {
      log.push(chunk.toString('utf8'));
      const match = /HTTP server listening on (http:\/\/127\.0\.0\.1:\d+)\//.exec(log.join(''));
      if (match) { clearTimeout(timer); resolve(match[1]!); }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('error', (error) => { clearTimeout(timer); reject(error); });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`code-server exited (${signal ?? code}) before listening:\n${log.join('')}`));
    });
  });
  return { child, url };
}

async function stopProcessGroup(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) {
    killGroup(child, 'SIGKILL'); // children may outlive the leader
    return;
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  killGroup(child, 'SIGTERM');
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 5_000));
  await Promise.race([exited, timeout]);
  killGroup(child, 'SIGKILL');
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try { process.kill(-child.pid, signal); } catch { /* the group is already gone */ }
}

const liveGroups = new Set<ChildProcess>();
const killLiveGroups = () => { for (const child of liveGroups) killGroup(child, 'SIGKILL'); };
process.on('exit', killLiveGroups);
// A test run interrupted by Ctrl-C or a timeout must not leave code-server and its children behind.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killLiveGroups();
    process.kill(process.pid, signal);
  });
}

export async function startVSCode(options: StartOptions): Promise<VSCodeSession> {
  const folder = path.resolve(options.folder);
  if (!existsSync(folder)) throw new Error(`startVSCode: folder ${folder} does not exist.`);
  const codeServer = ensureCodeServer();
  const vsix = packagedExtension();
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'syscall-lens-e2e-'));
  const userDataDir = path.join(scratch, 'user-data');
  const extensionsDir = path.join(scratch, 'extensions');
  mkdirSync(extensionsDir, { recursive: true });
  writeUserSettings(userDataDir, options.trusted ?? true, options.settings ?? {});
  installExtension(codeServer, vsix, extensionsDir, userDataDir);

  const log: string[] = [];
  const server = serve(codeServer, userDataDir, extensionsDir, folder, log);
  liveGroups.add(server.child);
  let browser: Browser | undefined;
  const cleanup = async () => {
    await browser?.close().catch(() => undefined);
    await stopProcessGroup(server.child);
    liveGroups.delete(server.child);
    if (process.env.SYSCALL_LENS_KEEP_E2E !== '1') rmSync(scratch, { recursive: true, force: true });
  };
  try {
    const base = await server.url;
    const url = `${base}/?folder=${encodeURIComponent(folder)}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const page = await browser.newPage({ viewport: options.viewport ?? { width: 1400, height: 900 } });
    const consoleErrors: string[] = [];
    page.on('console', (message) => { if (message.type() === 'error') consoleErrors.push(message.text()); });
    page.on('pageerror', (error) => consoleErrors.push(String(error)));
    await page.goto(url);
    await page.locator('.monaco-workbench').waitFor({ timeout: options.timeoutMs ?? 90_000 });
    // The explorer shows the folder once the remote file system is connected.
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: options.timeoutMs ?? 90_000 });
    const session: VSCodeSession = {
      page, browser, url, folder, userDataDir, extensionsDir, consoleErrors,
      serverLog: () => log.join(''),
      extensionHostLogs: () => readLogs(path.join(userDataDir, 'logs')),
      close: cleanup,
    };
    return session;
  } catch (error) {
    await cleanup();
    throw error;
  }
}

function readLogs(dir: string): Record<string, string> {
  const logs: Record<string, string> = {};
  const walk = (current: string) => {
    if (!existsSync(current)) return;
    for (const entry of readdirSync(current)) {
      const file = path.join(current, entry);
      if (statSync(file).isDirectory()) walk(file);
      else if (entry.endsWith('.log')) logs[path.relative(dir, file)] = readFileSync(file, 'utf8');
    }
  };
  walk(dir);
  return logs;
}

// ---------------------------------------------------------------------------------------------------
// Driving the workbench. Everything goes through the keyboard and the Command Palette, like a user.

const QUICK_INPUT = '.quick-input-widget';

/** Runs a command by its Command Palette title (e.g. 'Developer: Inspect Editor Tokens and Scopes'). */
export async function runCommand(page: Page, title: string): Promise<void> {
  // The palette can lose focus and close between showing a row and the click (a webview or terminal
  // grabbing focus under load), so a failed attempt is retried from a fresh palette.
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('F1');
    const input = page.locator(`${QUICK_INPUT} input`);
    const filled = await input.waitFor({ state: 'visible', timeout: 10_000 })
      .then(() => input.fill(`>${title}`, { timeout: 5_000 }))
      .then(() => true, (error: unknown) => (attempt >= 3 ? Promise.reject(error) : false));
    if (!filled) {
      await page.keyboard.press('Escape');
      continue;
    }
    const row = page.locator(`${QUICK_INPUT} .quick-input-list .monaco-list-row`, {
      has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(title)}$`, 'i') }),
    }).first();
    try {
      await row.waitFor({ state: 'visible', timeout: 15_000 });
    } catch {
      // The palette lists the commands enabled when it opened; one whose enablement context key was
      // not yet set (trust, activation) appears only in a palette opened later.
      const offered = await page.locator(`${QUICK_INPUT} .quick-input-list .label-name`).allInnerTexts();
      await page.keyboard.press('Escape');
      if (attempt < 3) continue;
      throw new Error(`No command titled "${title}" in the Command Palette. Offered: ${offered.join(' | ') || 'nothing'}`);
    }
    try {
      await row.click({ timeout: 5_000 });
      // Done when the palette closes, or when the command put its own quick pick in its place.
      await page.waitForFunction((selector) => {
        const widget = document.querySelector<HTMLElement>(selector);
        const value = widget?.querySelector('input')?.value ?? '';
        return !widget || widget.offsetParent === null || widget.style.display === 'none' || !value.startsWith('>');
      }, QUICK_INPUT, { timeout: 5_000 });
      return;
    } catch (error) {
      if (attempt >= 3) throw error;
      await page.keyboard.press('Escape');
    }
  }
}

/**
 * Opens a workspace file's tab through Quick Open, retrying when the keystroke went to a webview or
 * terminal that had the focus. Returns once the file's tab is active (it may have no text editor:
 * VS Code shows none for a very large file).
 */
export async function openFileTab(page: Page, relativePath: string): Promise<void> {
  const name = path.basename(relativePath);
  const input = page.locator(`${QUICK_INPUT} input`);
  const tab = page.locator(`.tabs-container .tab.active[data-resource-name="${name.replace(/["\\]/g, '\\$&')}"]`).first();
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('Control+P');
    const filled = await input.waitFor({ state: 'visible', timeout: 5_000 })
      .then(() => input.fill(relativePath, { timeout: 5_000 }))
      .then(() => true, () => false);
    if (filled) {
      const row = page.locator(`${QUICK_INPUT} .quick-input-list .monaco-list-row`, {
        has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(name)}$`) }),
      }).first();
      // The list fills in as Quick Open searches, so a row can move or be replaced under the click:
      // done only when the file's tab is active (by its exact name: a report beside it, "hello.asm
      // size", is the other group's active tab); otherwise Quick Open is opened again.
      const opened = await row.waitFor({ state: 'visible', timeout: 30_000 })
        .then(() => row.click({ timeout: 5_000 }))
        .then(() => tab.waitFor({ timeout: 20_000 }))
        .then(() => true, () => false);
      if (opened) return;
    }
    if (attempt >= 3) {
      const state = await page.evaluate(() => ({
        focus: document.activeElement?.className ?? 'nothing',
        active: Array.from(document.querySelectorAll('.tabs-container .tab.active')).map((t) => t.getAttribute('data-resource-name')),
      }));
      throw new Error(`Quick Open did not open ${relativePath} (focus: ${state.focus}; active tabs: ${state.active.join(', ') || 'none'})`);
    }
    // Take the focus back from whatever swallowed the keystroke or closed Quick Open.
    await page.keyboard.press('Escape');
    await page.locator('.part.sidebar, .part.editor').first().click({ position: { x: 5, y: 5 } }).catch(() => undefined);
  }
}

/** Opens a file of the workspace folder through Quick Open and waits until its editor is active. */
export async function openFile(page: Page, relativePath: string): Promise<void> {
  await openFileTab(page, relativePath);
  // The group the file opened in is the active one (with two groups, the first is not always it).
  await page.locator('.editor-group-container.active .editor-instance .monaco-editor .view-lines').first().waitFor();
  await page.locator('.editor-group-container.active .editor-instance .monaco-editor :is(textarea, .native-edit-context)').first().focus();
}

/** Waits until the active editor shows tokens coloured by a grammar (any class besides the default mtk1). */
export async function waitForTokens(page: Page, timeoutMs = 30_000): Promise<void> {
  await page.waitForFunction(() =>
    document.querySelectorAll('.editor-instance .monaco-editor .view-line span[class*="mtk"]:not(.mtk1)').length > 0,
  undefined, { timeout: timeoutMs });
}

/** Moves the cursor with Go to Line/Column (Ctrl+G), 1-based. */
export async function goToPosition(page: Page, line: number, column = 1): Promise<void> {
  await page.keyboard.press('Control+G');
  const input = page.locator(`${QUICK_INPUT} input`);
  await input.waitFor({ state: 'visible' });
  // Ctrl+G opens Quick Open with the ':' prefix of Go to Line; fill() replaces it, so type it again.
  await input.fill(`:${line}:${column}`);
  await page.keyboard.press('Enter');
  await page.locator(QUICK_INPUT).waitFor({ state: 'hidden', timeout: 10_000 });
  await expectStatus(page, 'status.editor.selection', new RegExp(`^Ln ${line}, Col ${column}\\b`));
}

export interface InspectedToken {
  text: string;
  language: string;
  /** TextMate scopes, innermost first, as "Developer: Inspect Editor Tokens and Scopes" lists them. */
  scopes: string[];
}

/** The TextMate scopes VS Code itself assigned at a position, read from the token inspector widget. */
export async function inspectToken(page: Page, line: number, column: number): Promise<InspectedToken> {
  const widget = page.locator('.token-inspect-widget');
  // The command toggles the widget: make sure an earlier one is closed first.
  if (await widget.isVisible()) await page.keyboard.press('Escape');
  await goToPosition(page, line, column);
  await runCommand(page, 'Developer: Inspect Editor Tokens and Scopes');
  await widget.locator('.tiw-metadata-key', { hasText: /^textmate scopes$/ }).waitFor({ timeout: 15_000 });
  const result = await widget.evaluate((element) => {
    // Rows are key/value pairs; with semantic highlighting there are more tables than the TextMate one.
    const value = (key: string) => (Array.from(element.querySelectorAll('tr'))
      .find((row) => row.querySelector('.tiw-metadata-key')?.textContent === key)
      ?.querySelector('.tiw-metadata-value') as HTMLElement | null)?.innerText ?? '';
    const token = element.querySelector('.tiw-token')?.childNodes[0]?.textContent ?? '';
    return { text: token, language: value('language'), scopes: value('textmate scopes').split('\n').filter(Boolean) };
  });
  await page.keyboard.press('Escape');
  await widget.waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
  return result;
}

/**
 * Shows the hover at a position (the "Show or Focus Hover" command, no mouse needed) and returns its
 * text. With `waitForText`, waits until the hover contains it (language servers answer asynchronously).
 */
export async function hover(page: Page, line: number, column: number, waitForText?: string | RegExp): Promise<string> {
  await goToPosition(page, line, column);
  await runCommand(page, 'Show or Focus Hover');
  const contents = page.locator('.monaco-editor .monaco-hover:not(.hidden) .monaco-hover-content, .monaco-editor .monaco-hover:not(.hidden) .hover-contents').first();
  await contents.waitFor({ state: 'visible', timeout: 15_000 });
  if (waitForText !== undefined) {
    await page.locator('.monaco-editor .monaco-hover:not(.hidden)', { hasText: waitForText }).first().waitFor({ timeout: 30_000 });
  }
  const text = await contents.innerText();
  await page.keyboard.press('Escape');
  return text;
}

/** Text of a status bar item by its id, e.g. 'status.editor.mode' (the language) or 'status.editor.selection'. */
export async function statusBarText(page: Page, id: string): Promise<string> {
  const item = page.locator(`.statusbar-item[id="${id}"]`);
  await item.waitFor({ state: 'attached', timeout: 15_000 });
  return (await item.innerText()).trim();
}

async function expectStatus(page: Page, id: string, pattern: RegExp, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    last = await statusBarText(page, id).catch(() => '');
    if (pattern.test(last)) return;
    await page.waitForTimeout(100);
  }
  throw new Error(`Status bar item ${id} shows "${last}", expected ${pattern}`);
}

/** The visible lines of the active editor, top to bottom (inlay hints included, as rendered). */
export async function editorLines(page: Page): Promise<string[]> {
  return page.locator('.editor-instance .monaco-editor .view-lines').first().evaluate((element) =>
    Array.from(element.querySelectorAll<HTMLElement>('.view-line'))
      .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top))
      .map((line) => (line.textContent ?? '').replace(/\u00a0/g, ' ')));
}

/** Messages of the notification toasts currently shown. */
export async function notifications(page: Page): Promise<string[]> {
  return page.locator('.notification-toast .notification-list-item-message').allInnerTexts();
}

/** Saves a full-page screenshot as artifacts/<name>.png (git-ignored) and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name.replace(/[^\w.-]+/g, '-')}.png`);
  await page.screenshot({ path: file });
  return file;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
