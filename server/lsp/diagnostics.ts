// The diagnostics of each open document: our syscall lints and the real nasm's messages, merged
// per file (nasm may report into an included file) and published when either changes.
import * as path from 'node:path';
import { MessageType, ShowMessageNotification, type Connection, type Diagnostic } from 'vscode-languageserver/node';
import { Debouncer } from '../diagnosticsScheduler';
import { lintDocument } from '../features/documentLints';
import { binOrigin, labelPlaces, listingLabels, listingSymbolSections, type LabelPlace } from '../../nasm/labelPlaces';
import { bytesByLine, parseListing, type LineBytes } from '../../nasm/listing';
import type { NasmOutputFormat } from '../../nasm/document/outputFormat';
import { checkShellcode, describeShellcodeFinding, shellcodeBlock, shellcodeModeOf } from '../../nasm/shellcode';
import { applyShellcodeFix, fixContext, fixHoldsUp, shellcodeFixes, type ProvenFix } from '../../nasm/shellcodeFixes';
import { defaultBuildDirectory, programName } from '../../toolchain/build';
import { resolveBuildOptions } from '../../toolchain/options';
import { linkedSymbols } from '../../toolchain/linkedSymbols';
import { LatestRun } from '../latestRun';
import { runNasm, type NasmDiagnostic, type NasmOutcome } from '../nasmDiagnostics';
import { SHELLCODE_STATUS_NOTIFICATION, type ServerSettings, type ShellcodeBytesResult, type ShellcodeStatus } from '../protocol';
import { uriToPath, type Workspace } from '../workspace';
import type { AsmDocument } from '../../nasm/document/document';
import { toLintDiagnostic, toNasmDiagnostic } from './convert';

const LINT_DELAY_MS = 150;
/** How a shellcode diagnostic's message begins (the quick fixes find them by it). */
export const SHELLCODE_PREFIX = 'Shellcode: ';
const NASM_DELAY_MS = 600;

export class DiagnosticsPublisher {
  private readonly lintTimer = new Debouncer(LINT_DELAY_MS);
  private readonly nasmTimer = new Debouncer(NASM_DELAY_MS);
  /** nasm diagnostics, by the document nasm ran on, then by the file they belong to. */
  private readonly nasmResults = new Map<string, Map<string, Diagnostic[]>>();
  private readonly lintResults = new Map<string, Diagnostic[]>();
  private readonly published = new Set<string>();
  /**
   * nasm's listing of each root document, for the version it ran on; read into the bytes of each
   * line only when a hover asks (most runs are typing and nobody hovers).
   */
  private readonly listings = new Map<string, {
    version: number; text: string; failed: boolean; format: NasmOutputFormat; lines?: Map<number, LineBytes>;
    labels?: { places: Map<number, LabelPlace>; origin: number | undefined };
    /** Every label of the unit by name, main source, includes and macro expansions (listingLabels). */
    labelsByName?: Map<string, LabelPlace>;
  }>();
  /** One nasm run per root at a time; a newer request cancels the running one. */
  private readonly runs = new LatestRun<NasmOutcome>();
  private toolMissingReported = false;
  /** Documents the client was told are in shellcode mode (told again when they leave it). */
  private readonly shellcodeAnnounced = new Set<string>();
  /** Rewrites proven for a line of a document version: the editor asks for code actions again and again. */
  private proofs = new Map<string, Promise<ProvenFix[]>>();

  constructor(
    private readonly connection: Connection,
    private readonly workspace: Workspace,
    /** Current settings and trust: nasm never runs in an untrusted folder. */
    private readonly options: (uri: string) => { settings: ServerSettings; trusted: boolean },
    /** A new listing arrived (the bytes inlay hints may change). */
    private readonly onListing: () => void = () => undefined,
    /** Resolves when the requests already received have been answered (see lsp/foreground.ts). */
    private readonly idle: () => Promise<void> = () => Promise.resolve(),
  ) {}

  private disposed = false;

  private publish(uri: string): void {
    const diagnostics = [...(this.lintResults.get(uri) ?? [])];
    // A root and an include it brings in may both be open: the same nasm message is reported once.
    const seen = new Set<string>();
    for (const byFile of this.nasmResults.values()) {
      for (const diagnostic of byFile.get(uri) ?? []) {
        const key = `${diagnostic.range.start.line}|${diagnostic.severity}|${diagnostic.message}`;
        if (!seen.has(key)) { seen.add(key); diagnostics.push(diagnostic); }
      }
    }
    if (diagnostics.length === 0 && !this.published.has(uri)) return;
    if (diagnostics.length) this.published.add(uri); else this.published.delete(uri);
    void this.connection.sendDiagnostics({ uri, diagnostics });
  }

  private refreshLints(uri: string): void {
    const document = this.workspace.get(uri);
    if (!document || !this.workspace.isOpen(uri)) return;
    this.lintResults.set(uri, lintDocument(this.workspace, document).map(toLintDiagnostic));
    this.publish(uri);
  }

  async refreshNasm(uri: string): Promise<void> {
    const document = this.workspace.get(uri);
    if (!document || !this.workspace.isOpen(uri)) return;
    const previous = this.nasmResults.get(uri);
    if (!this.options(uri).trusted || !this.options(uri).settings.diagnosticsEnabled) {
      this.nasmResults.delete(uri);
      for (const target of previous?.keys() ?? []) this.publish(target);
      return;
    }
    const version = document.version;
    // An include-only file is checked in context: nasm assembles the first root that includes it.
    const root = this.workspace.roots(document)[0]!;
    const settings = this.options(root.uri).settings;
    const runOptions = { ...settings, includePaths: this.workspace.includePathsFor(root) };
    // Every document of the unit asks through its root: whoever asks last, everyone gets the newest run.
    const outcome = await this.runs.run(root.uri, async (signal) => {
      const run = await runNasm(root, this.workspace, { ...runOptions, signal });
      if (run.kind === 'cancelled') this.connection.console.log(`${uriToPath(root.uri) ?? root.uri}: nasm run cancelled (newer text to assemble, or the file was closed).`);
      return run;
    })
      .catch((error: unknown): NasmOutcome => ({
        kind: 'failed', message: `nasm could not be run: ${error instanceof Error ? error.message : String(error)}`,
      }));
    if (document.version !== version || outcome.kind === 'cancelled') return; // a newer run is scheduled
    if (outcome.kind === 'stopped') { this.stopped(document, root, version, outcome.diagnostic, previous); return; }
    if (outcome.kind !== 'ok') {
      // One message for the whole session, not one per keystroke.
      if (!this.toolMissingReported) {
        this.toolMissingReported = true;
        void this.connection.sendNotification(ShowMessageNotification.type, {
          type: outcome.kind === 'tool-missing' ? MessageType.Warning : MessageType.Error, message: outcome.message,
        });
      }
      return;
    }
    const byFile = new Map<string, Diagnostic[]>();
    const failed = outcome.diagnostics.some((d) => d.severity === 'error');
    // Through a root, only this file's messages (and those of the files it includes) are its own.
    const own = root === document ? undefined : new Set([document, ...this.workspace.includedDocuments(document)].map((d) => d.uri));
    if (root === document) {
      this.listings.set(root.uri, { version, text: outcome.listing, failed, format: outcome.format });
      this.onListing();
    }
    const shellcode = root === document ? shellcodeModeOf(root.getText()) : undefined;
    const report = shellcode ? checkShellcode(parseListing(outcome.listing), {
      badBytes: shellcode.badBytes, relocationsFinal: outcome.format === 'bin', symbolSections: listingSymbolSections(outcome.listing),
    }) : undefined;
    const findings = report?.findings ?? [];
    // When assembly fails nasm writes no listing or one without the failing lines: the last length
    // stands until it assembles again.
    if (root === document && (!failed || !shellcode)) this.announceShellcode(uri, report);
    const shellcodeDiagnostics: NasmDiagnostic[] = findings.map((finding) => ({
      uri: root.uri, line: finding.line - 1, severity: 'warning', related: [],
      message: `${SHELLCODE_PREFIX}${describeShellcodeFinding(finding)}${finding.kind === 'bad-byte' ? ' — a string copy would cut the code here' : ''}`,
    }));
    for (const d of [...outcome.diagnostics, ...shellcodeDiagnostics]) {
      if (own && !own.has(d.uri)) continue;
      const list = byFile.get(d.uri) ?? [];
      list.push(toNasmDiagnostic(d, this.workspace.get(d.uri)?.lineText(d.line) ?? ''));
      byFile.set(d.uri, list);
    }
    this.nasmResults.set(uri, byFile);
    for (const target of new Set([...byFile.keys(), ...(previous?.keys() ?? [])])) this.publish(target);
  }

  /** A limit ended nasm: the document shows why (and has no nasm messages), and the log says so too. */
  private stopped(document: AsmDocument, root: AsmDocument, version: number, stop: NasmDiagnostic, previous: Map<string, Diagnostic[]> | undefined): void {
    const own = root === document
      ? stop
      : { ...stop, uri: document.uri, line: 0, message: `${stop.message} (assembling ${path.basename(uriToPath(root.uri) ?? root.uri)}, which includes this file)` };
    this.connection.console.warn(`${uriToPath(root.uri) ?? root.uri}: ${stop.message}`);
    if (root === document) this.listings.set(root.uri, { version, text: '', failed: true, format: 'elf64' });
    this.nasmResults.set(document.uri, new Map([[own.uri, [toNasmDiagnostic(own, this.workspace.get(own.uri)?.lineText(own.line) ?? '')]]]));
    for (const target of new Set([own.uri, ...(previous?.keys() ?? [])])) this.publish(target);
  }

  /** Tells the client the shellcode length and findings (for the status bar), or that the mode is off. */
  private announceShellcode(uri: string, report: ReturnType<typeof checkShellcode> | undefined): void {
    if (!report && !this.shellcodeAnnounced.delete(uri)) return;
    if (report) this.shellcodeAnnounced.add(uri);
    const bad = new Set(report?.findings.filter((f) => f.kind === 'bad-byte').map((f) => f.line));
    const status: ShellcodeStatus = {
      uri, shellcode: !!report, length: report?.length ?? 0, badLines: bad.size,
      absolute: report?.findings.filter((f) => f.kind === 'absolute-address').length ?? 0, unchecked: report?.unchecked ?? 0,
    };
    void this.connection.sendNotification(SHELLCODE_STATUS_NOTIFICATION, status);
  }

  /** A root document's bytes as one block, from nasm's listing of its current text. */
  shellcodeBytes(uri: string): ShellcodeBytesResult {
    const document = this.workspace.get(uri);
    if (!document || !this.workspace.isOpen(uri)) return { problem: 'the file is not open.' };
    if (!this.options(uri).trusted) return { problem: 'the bytes come from nasm, which Syscall Lens runs only in a trusted folder.' };
    if (!this.options(uri).settings.diagnosticsEnabled) return { problem: 'the bytes come from the background nasm run, which syscallLens.diagnostics.enable turns off.' };
    if (this.workspace.roots(document)[0] !== document) return { problem: 'this file is included by another; copy the shellcode from the file that includes it.' };
    const listing = this.listings.get(uri);
    if (!listing || listing.version !== document.version) return { problem: 'nasm has not assembled this text yet.', pending: true };
    if (listing.failed || !listing.text) return { problem: 'nasm did not assemble this file (see its errors).' };
    const block = shellcodeBlock(parseListing(listing.text));
    return 'bytes' in block ? { hex: Buffer.from(block.bytes).toString('hex') } : block;
  }

  /** What nasm assembled `line` (0-based) of an open root document to, if the listing is of this version. */
  bytesAt(uri: string, line: number): LineBytes | undefined {
    const listing = this.listings.get(uri);
    const document = this.workspace.get(uri);
    if (!listing || !document || document.version !== listing.version) return undefined;
    listing.lines ??= bytesByLine(parseListing(listing.text));
    return listing.lines.get(line + 1);
  }

  /**
   * Where nasm put a label and its size, if the listing of its unit is of the current text: by `name`
   * (so labels of included files and macro expansions too), else by the line (0-based) of the root
   * document that defines it. `address` for a `-f bin` file with a plain `org` and one section; for
   * an ELF program see linkedAddress.
   */
  labelAt(uri: string, line: number, name?: string): (LabelPlace & { address?: number }) | undefined {
    const document = this.workspace.get(uri);
    const root = document && this.workspace.roots(document)[0];
    const listing = root && this.listings.get(root.uri);
    if (!document || !root || !listing || root.version !== listing.version || listing.failed) return undefined;
    if (!listing.labels) {
      const lines = new Map<number, boolean>();
      for (const symbols of root.structure.definitions.values()) {
        for (const s of symbols) if (s.kind === 'label' || s.kind === 'localLabel') lines.set(s.line + 1, s.kind === 'localLabel');
      }
      listing.labels = { places: labelPlaces(listing.text, lines), origin: listing.format === 'bin' ? binOrigin(listing.text) : undefined };
    }
    listing.labelsByName ??= listingLabels(listing.text).places;
    const place = (name === undefined ? undefined : listing.labelsByName.get(name)) ?? (document === root ? listing.labels.places.get(line + 1) : undefined);
    if (!place) return undefined;
    return listing.labels.origin === undefined ? place : { ...place, address: listing.labels.origin + place.offset };
  }

  /**
   * A label's address in the ELF program built from the unit's root (in the folder F5 and the trace
   * build it into), only when that program has the layout of the current listing: the
   * symbol in the same section, as many bytes into it as the listing says. Undefined otherwise.
   */
  async linkedAddress(uri: string, name: string, place: LabelPlace): Promise<number | undefined> {
    const document = this.workspace.get(uri);
    const root = document && this.workspace.roots(document)[0];
    const listing = root && this.listings.get(root.uri);
    if (!root || !listing || listing.format === 'bin' || !this.options(root.uri).trusted) return undefined;
    const source = uriToPath(root.uri);
    if (!source) return undefined;
    // The folder F5 and the trace build into: syscallLens.buildDirectory resolved as they resolve it.
    const folder = resolveBuildOptions({ buildDirectory: this.options(root.uri).settings.buildDirectory }, this.workspace.folderOf(source), source).buildDirectory
      ?? defaultBuildDirectory(source);
    const symbol = (await linkedSymbols(path.join(folder, programName(source))))?.get(name);
    if (!symbol || symbol.section !== place.section || symbol.address - symbol.sectionAddress !== place.offset) return undefined;
    return symbol.address;
  }

  /**
   * The shellcode rewrites of `line` (0-based) of an open root document in shellcode mode, each kept
   * only when nasm, re-assembling the rewritten text (with the unit's unsaved includes), reports no
   * error and leaves no bad byte in the rewritten lines. Never in an untrusted folder.
   */
  provenShellcodeFixes(uri: string, line: number): Promise<ProvenFix[]> {
    const document = this.workspace.get(uri);
    if (!document || !this.workspace.isOpen(uri) || !this.options(uri).trusted) return Promise.resolve([]);
    const mode = shellcodeModeOf(document.getText());
    if (!mode || this.workspace.roots(document)[0] !== document) return Promise.resolve([]);
    const key = `${uri}|${document.version}|${line}`;
    const known = this.proofs.get(key);
    if (known) return known;
    for (const old of this.proofs.keys()) if (old.startsWith(`${uri}|`)) this.proofs.delete(old);
    const text = document.getText();
    const version = document.version;
    const runOptions = { ...this.options(uri).settings, includePaths: this.workspace.includePathsFor(document) };
    const proof = (async () => {
      const proven: ProvenFix[] = [];
      for (const [index, fix] of shellcodeFixes(document.lineText(line), fixContext(text.split('\n'), line)).entries()) {
        const outcome = await runNasm(document, this.workspace, runOptions, { text: applyShellcodeFix(text, line + 1, fix), scratchKey: `fix-${version}-${line}-${index}` })
          .catch(() => undefined);
        if (outcome?.kind !== 'ok' || outcome.diagnostics.some((d) => d.severity === 'error')) continue;
        const held = fixHoldsUp(parseListing(outcome.listing), line + 1, fix, { badBytes: mode.badBytes, relocationsFinal: outcome.format === 'bin' });
        if (held) proven.push(held);
      }
      return proven;
    })();
    this.proofs.set(key, proof);
    return proof;
  }

  /** A closed document's lints and the nasm messages it caused (also in its includes) go away. */
  forget(uri: string): void {
    this.runs.cancel(uri);
    this.listings.delete(uri);
    this.shellcodeAnnounced.delete(uri);
    for (const key of this.proofs.keys()) if (key.startsWith(`${uri}|`)) this.proofs.delete(key);
    this.lintTimer.cancel(uri);
    this.nasmTimer.cancel(uri);
    this.lintResults.delete(uri);
    const byFile = this.nasmResults.get(uri);
    this.nasmResults.delete(uri);
    for (const target of new Set([uri, ...(byFile?.keys() ?? [])])) this.publish(target);
  }

  /**
   * Lints shortly after an edit; nasm debounced while typing, at once (nasmNow) on open and save. Both
   * wait for the requests already received: the first hover on a file just opened comes before its nasm run.
   */
  schedule(uri: string, nasmNow: boolean): void {
    this.lintTimer.schedule(uri, () => this.afterRequests(this.lintTimer, uri, () => this.refreshLints(uri)));
    this.nasmTimer.schedule(uri, () => this.afterRequests(this.nasmTimer, uri, () => void this.refreshNasm(uri)), nasmNow ? 0 : NASM_DELAY_MS);
  }

  /** Runs `run` once the requests are answered, unless a newer schedule for `uri` came meanwhile. */
  private afterRequests(timer: Debouncer, uri: string, run: () => void): void {
    void this.idle().then(() => { if (!this.disposed && !timer.pending(uri)) run(); });
  }

  dispose(): void {
    this.disposed = true;
    this.runs.dispose();
    this.lintTimer.dispose();
    this.nasmTimer.dispose();
  }
}
