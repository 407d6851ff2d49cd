// The trace panel, running in the webview. Everything a traced program printed reaches the DOM
// through textContent only, never as markup. The table is virtual: it asks the host for the rows
// in view, so a million-row trace costs only the rows on screen.
import type { CallStep } from '../../../trace/model/sequence';
import type { CompareView, ErrnoSummaryRow, HostMessage, PanelMessage, ProcessRow, SummaryRow, TraceFilter, TraceRow } from '../protocol';

declare function acquireVsCodeApi(): { postMessage(message: PanelMessage): void; getState(): unknown; setState(state: unknown): void };
const vscode = acquireVsCodeApi();
const post = (message: PanelMessage) => vscode.postMessage(message);

/**
 * Row heights by panel width. The table is virtual, so every row has the same, computable height:
 * below NARROW_WIDTH a row takes two lines (the call and its source line, then arguments and
 * result); below COMPACT_WIDTH time, pid and duration give way (the pid stays as the row's
 * coloured edge). trace.css lays the rows out by the `narrow` and `compact` classes of #root.
 */
const NARROW_WIDTH = 560;
const COMPACT_WIDTH = 820;
/** Below this the Summary and Compare tables lay each row out on two or three lines (trace.css `narrow-tables`). */
const NARROW_TABLES_WIDTH = 700;
const WIDE_ROW_HEIGHT = 22;
const NARROW_ROW_HEIGHT = 40;
let rowHeight = WIDE_ROW_HEIGHT;
const PAGE = 200;
/** Browsers cap element heights (about 33 million px in Chromium): beyond this the scroll is scaled. */
const MAX_SCROLL_HEIGHT = 15_000_000;

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function button(label: string, title: string, onClick: () => void): HTMLButtonElement {
  const node = element('button', 'action', label);
  node.title = title;
  node.addEventListener('click', onClick);
  return node;
}

/**
 * A toolbar action whose label shrinks in a narrow panel (trace.css): `▶ Trace` becomes `▶`,
 * `Open log…` becomes `Log…`. The full label stays in the text, the tooltip and the accessible name.
 */
function toolbarButton(full: string, short: string, title: string, onClick: () => void): HTMLButtonElement {
  const node = button('', title, onClick);
  node.setAttribute('aria-label', full);
  node.append(element('span', 'label-full', full), element('span', 'label-short', short));
  return node;
}

// ---- layout -------------------------------------------------------------------------------
const root = document.getElementById('root')!;
const toolbar = element('div', 'toolbar');
const traceButton = toolbarButton('▶ Trace', '▶', 'Build and trace the active NASM or C file', () => post({ type: 'command', command: 'trace' }));
const stopButton = toolbarButton('■ Stop', '■', 'Kill strace and every traced process', () => post({ type: 'command', command: 'stop' }));
stopButton.disabled = true;
const status = element('span', 'status', 'No trace yet.');
toolbar.append(traceButton, stopButton,
  toolbarButton('Open log…', 'Log…', 'Open an existing strace log (.strace)', () => post({ type: 'command', command: 'openLog' })),
  toolbarButton('Export JSONL…', 'Export…', 'Save this trace as JSON Lines', () => post({ type: 'command', command: 'exportJsonl' })),
  toolbarButton('Compare…', 'Compare…', 'Compare this run with another run or log', () => post({ type: 'command', command: 'compare' })),
  status);

const tabs = element('div', 'tabs');
const pages = new Map<string, HTMLElement>();
function addTab(id: string, label: string): HTMLElement {
  const tab = element('button', 'tab', label);
  tab.dataset.tab = id;
  tab.setAttribute('role', 'tab');
  tab.addEventListener('click', () => showTab(id));
  tabs.append(tab);
  const page = element('div', 'page');
  page.dataset.page = id;
  pages.set(id, page);
  return page;
}
function showTab(id: string): void {
  for (const tab of Array.from(tabs.querySelectorAll<HTMLElement>('.tab'))) tab.classList.toggle('selected', tab.dataset.tab === id);
  for (const [key, page] of pages) page.hidden = key !== id;
  if (id === 'calls') render();
}
const callsPage = addTab('calls', 'Calls');
const summaryPage = addTab('summary', 'Summary');
const processPage = addTab('processes', 'Processes');
const comparePage = addTab('compare', 'Compare');

// ---- filters ------------------------------------------------------------------------------
const filters = element('div', 'filters');
const categorySelect = element('select');
categorySelect.title = 'Category';
categorySelect.append(new Option('all categories', ''));
const originSelect = element('select');
originSelect.title = 'Where the calls come from';
for (const [value, label] of [['', 'all origins'], ['user', 'your code'], ['loader', 'loading'], ['startup', 'libc start-up'], ['runtime', 'runtime'], ['exit', 'exit']]) {
  originSelect.append(new Option(label, value));
}
const failedOnly = element('input');
failedOnly.type = 'checkbox';
const failedLabel = element('label', 'check');
failedLabel.append(failedOnly, document.createTextNode(' failed only'));
failedLabel.title = 'Only failed calls (and faults), grouped by errno, each group with the reason its man page gives';
const pidInput = element('input', 'pid');
pidInput.type = 'number';
pidInput.placeholder = 'pid';
const textInput = element('input', 'text');
textInput.type = 'search';
textInput.placeholder = 'filter text';
const regexBox = element('input');
regexBox.type = 'checkbox';
const regexLabel = element('label', 'check');
regexLabel.append(regexBox, document.createTextNode(' regex'));
const countLabel = element('span', 'count');
filters.append(categorySelect, originSelect, failedLabel, pidInput, textInput, regexLabel, countLabel);

let filterTimer: ReturnType<typeof setTimeout> | undefined;
function sendFilter(): void {
  clearTimeout(filterTimer);
  filterTimer = setTimeout(() => {
    const pid = pidInput.value.trim() ? Number(pidInput.value) : undefined;
    const filter: TraceFilter = { category: categorySelect.value, origin: originSelect.value as TraceFilter['origin'], failedOnly: failedOnly.checked, pid: Number.isFinite(pid) ? pid : undefined, text: textInput.value, regex: regexBox.checked };
    textInput.classList.toggle('invalid', filter.regex && !isValidRegex(filter.text));
    post({ type: 'filter', filter });
  }, 150);
}
function isValidRegex(text: string): boolean {
  try { new RegExp(text); return true; } catch { return false; }
}
for (const input of [categorySelect, originSelect, failedOnly, pidInput, textInput, regexBox]) input.addEventListener('input', sendFilter);

/** The host cleared the filter (to show a row it hid): the controls say so too. */
function clearFilterControls(): void {
  categorySelect.value = '';
  originSelect.value = '';
  failedOnly.checked = false;
  pidInput.value = '';
  textInput.value = '';
  regexBox.checked = false;
}

// ---- the virtual table ---------------------------------------------------------------------
const COLUMNS = ['#', 'time', 'pid', 'syscall', 'arguments', 'result', 'duration', 'source'];
const header = element('div', 'row header');
for (const name of COLUMNS) header.append(element('span', `cell c-${name === '#' ? 'seq' : name}`, name));
const viewport = element('div', 'viewport');
viewport.tabIndex = 0;
const spacer = element('div', 'spacer');
const layer = element('div', 'layer');
viewport.append(spacer, layer);
const inProgressBar = element('div', 'in-progress');
inProgressBar.hidden = true;
const detail = element('div', 'detail');
const detailText = element('span', 'detail-text');
const failButton = button('Fail this call…', 'Run again with this call failing (strace -e inject)', () => { if (selected !== undefined) post({ type: 'failCall', seq: selected }); });
failButton.disabled = true;
// Each descriptor argument links to the row of the call that created it.
const detailLinks = element('span', 'detail-links');
detail.append(detailText, detailLinks, failButton);
callsPage.append(filters, header, viewport, inProgressBar, detail);

let total = 0;
let generation = 0;
let selected: number | undefined;
const cache = new Map<number, TraceRow>();
const requested = new Set<number>();
const pool: HTMLElement[] = [];

function scrollScale(): number {
  const natural = total * rowHeight;
  return natural > MAX_SCROLL_HEIGHT ? natural / MAX_SCROLL_HEIGHT : 1;
}

function firstVisibleRow(): number {
  const scale = scrollScale();
  if (scale === 1) return Math.floor(viewport.scrollTop / rowHeight);
  const maxTop = Math.max(1, spacer.offsetHeight - viewport.clientHeight);
  const visible = Math.ceil(viewport.clientHeight / rowHeight);
  return Math.floor((viewport.scrollTop / maxTop) * Math.max(0, total - visible));
}

function ensurePage(index: number): void {
  const page = Math.floor(index / PAGE);
  if (page < 0 || page * PAGE >= total || requested.has(page)) return;
  requested.add(page);
  post({ type: 'range', start: page * PAGE, count: PAGE, generation });
}

function rowElement(i: number): HTMLElement {
  let row = pool[i];
  if (!row) {
    row = element('div', 'row');
    for (const name of COLUMNS) row.append(element('span', `cell c-${name === '#' ? 'seq' : name}`));
    // The source cell cuts a long path at its start, keeping the line number (trace.css).
    row.lastElementChild!.append(element('span', 'source-text'));
    row.addEventListener('click', () => {
      // Loading rows and group headers have no call behind them.
      if (!row!.dataset.seq) return;
      const seq = Number(row!.dataset.seq);
      if (!Number.isFinite(seq)) return;
      select(seq);
      post({ type: 'reveal', seq });
    });
    pool[i] = row;
    layer.append(row);
  }
  return row;
}

function pidColor(pid: number): string {
  return `hsl(${(pid * 47) % 360}, 55%, 62%)`;
}

function fillRow(node: HTMLElement, data: TraceRow | undefined): void {
  const cells = node.children as HTMLCollectionOf<HTMLElement>;
  if (!data) {
    node.dataset.seq = '';
    node.className = 'row loading';
    node.style.borderLeftColor = 'transparent';
    for (let i = 0; i < cells.length - 1; i++) cells[i]!.textContent = '';
    cells[7]!.firstElementChild!.textContent = '';
    return;
  }
  if (data.kind === 'group' && data.group) return fillGroupRow(node, data.group);
  node.dataset.seq = String(data.seq);
  // VS Code reads this attribute to offer the row's context menu ("Fail this call").
  node.dataset.vscodeContext = JSON.stringify({ webviewSection: data.kind === 'syscall' ? 'syscallRow' : 'row', seq: data.seq, preventDefaultContextMenuItems: true });
  node.className = `row kind-${data.kind}${data.failed ? ' failed' : ''}${data.inProgress ? ' pending' : ''}${data.seq === selected ? ' selected' : ''}`;
  const result = data.inProgress ? 'in progress…' : data.result;
  const duration = data.inProgress && data.startedAt !== undefined ? `${elapsedSince(data.startedAt).toFixed(1)} s…` : data.duration;
  const texts = [String(data.seq), data.time, String(data.pid || ''), data.name, data.args,
    [result, data.errno, data.errnoMessage ? `(${data.errnoMessage})` : '', data.notes ?? ''].filter(Boolean).join(' '), duration,
    data.where + (data.macroWhere ? ` ⟵ ${data.macroWhere}` : '')];
  texts.forEach((text, i) => { (i === 7 ? cells[i]!.firstElementChild! : cells[i]!).textContent = text; });
  cells[2]!.style.color = data.pid ? pidColor(data.pid) : '';
  node.style.borderLeftColor = data.pid ? pidColor(data.pid) : 'transparent';
  cells[3]!.title = data.summary ? `${data.name}: ${data.summary}` : data.name;
  cells[4]!.title = data.args;
  cells[5]!.title = data.errnoMessage ?? '';
  cells[7]!.title = data.macroWhere ? `called at ${data.where}, from the macro line ${data.macroWhere}`
    : data.procedureWhere ? `called at ${data.where}, through the procedure whose syscall is at ${data.procedureWhere}` : data.where;
  if (data.credit) cells[7]!.title += `${cells[7]!.title ? '\n' : ''}${data.credit}`;
}

/** A failed-only group's header: `ENOENT ×3 — No such file or directory`, then the man pages' reasons. */
function fillGroupRow(node: HTMLElement, group: NonNullable<TraceRow['group']>): void {
  const cells = node.children as HTMLCollectionOf<HTMLElement>;
  node.dataset.seq = '';
  delete node.dataset.vscodeContext;
  node.className = 'row group';
  node.style.borderLeftColor = 'transparent';
  for (let i = 0; i < cells.length - 1; i++) cells[i]!.textContent = '';
  cells[7]!.firstElementChild!.textContent = '';
  const title = `${group.key} ×${group.count}${group.message ? ` — ${group.message}` : ''}`;
  const reasons = group.reasons.join(' · ');
  cells[3]!.textContent = title;
  cells[3]!.title = title;
  cells[4]!.textContent = reasons;
  cells[4]!.title = group.reasons.join('\n');
}

let frame = 0;
function render(): void {
  if (frame) return;
  frame = requestAnimationFrame(() => {
    frame = 0;
    spacer.style.height = `${Math.min(total * rowHeight, MAX_SCROLL_HEIGHT)}px`;
    const first = firstVisibleRow();
    const count = Math.ceil(viewport.clientHeight / rowHeight) + 1;
    layer.style.transform = `translateY(${viewport.scrollTop}px)`;
    for (let i = 0; i < count; i++) {
      const index = first + i;
      const node = rowElement(i);
      node.hidden = index >= total;
      if (index >= total) continue;
      const data = cache.get(index);
      if (!data) ensurePage(index);
      fillRow(node, data);
    }
    for (let i = count; i < pool.length; i++) pool[i]!.hidden = true;
    ensurePage(first + count + PAGE / 2);
    trimCache(first);
  });
}

/** Keeps only the pages near the view: memory stays bounded however long the trace is. */
function trimCache(first: number): void {
  if (cache.size <= PAGE * 8) return;
  const keepFrom = first - PAGE * 3;
  const keepTo = first + PAGE * 4;
  for (const index of cache.keys()) if (index < keepFrom || index > keepTo) cache.delete(index);
  for (const page of requested) if ((page + 1) * PAGE < keepFrom || page * PAGE > keepTo) requested.delete(page);
}

function select(seq: number): void {
  selected = seq;
  const row = [...cache.values()].find((r) => r.seq === seq);
  detailText.textContent = row ? `#${row.seq} ${row.name}(${row.args})${row.result ? ` = ${row.result}` : ''}${row.errno ? ` ${row.errno} (${row.errnoMessage ?? ''})` : ''}${row.notes ? ` ${row.notes}` : ''}${row.where ? `  —  ${row.where}` : ''}${row.procedureWhere ? ` (the wrapper's syscall at ${row.procedureWhere})` : ''}${row.via ? ` via ${row.via}` : ''}${row.credit ? `  —  ${row.credit}` : ''}` : '';
  detailText.title = detailText.textContent;
  detailLinks.replaceChildren(...(row?.fds ?? []).map((fd) => {
    if (!fd.seq) return element('span', 'fd-origin', fd.text);
    const link = element('a', 'fd-origin', fd.text);
    link.href = '#';
    link.title = `Show call #${fd.seq}`;
    link.addEventListener('click', (event) => { event.preventDefault(); post({ type: 'jump', seq: fd.seq }); });
    return link;
  }));
  failButton.disabled = !row || row.kind !== 'syscall';
  render();
}

viewport.addEventListener('scroll', render, { passive: true });
new ResizeObserver(render).observe(viewport);

/** Chooses the row layout for the panel's width, keeping the first visible row at the top. */
function fitWidth(): void {
  const width = root.clientWidth;
  const narrow = width < NARROW_WIDTH;
  root.classList.toggle('compact', width < COMPACT_WIDTH);
  root.classList.toggle('narrow-tables', width < NARROW_TABLES_WIDTH);
  if (narrow === root.classList.contains('narrow') && root.style.getPropertyValue('--row-height')) return;
  const first = total ? firstVisibleRow() : 0;
  root.classList.toggle('narrow', narrow);
  rowHeight = narrow ? NARROW_ROW_HEIGHT : WIDE_ROW_HEIGHT;
  root.style.setProperty('--row-height', `${rowHeight}px`);
  if (total) scrollToRow(first, false);
  render();
}
new ResizeObserver(fitWidth).observe(root);
viewport.addEventListener('keydown', (event) => {
  const step = event.key === 'ArrowDown' ? 1 : event.key === 'ArrowUp' ? -1 : event.key === 'PageDown' ? 20 : event.key === 'PageUp' ? -20 : 0;
  if (!step) return;
  event.preventDefault();
  viewport.scrollTop += step * rowHeight;
});

// ---- in-progress call -----------------------------------------------------------------------
let inProgress: TraceRow | undefined;
/** Seconds since an epoch time strace printed (-ttt), by this machine's clock. */
function elapsedSince(epochSeconds: number): number {
  return Math.max(0, Date.now() / 1000 - epochSeconds);
}
setInterval(() => {
  if (!inProgress) return;
  const elapsed = inProgress.startedAt !== undefined ? ` for ${elapsedSince(inProgress.startedAt).toFixed(1)} s` : '';
  inProgressBar.textContent = `${inProgress.name}(${inProgress.args} … in progress${elapsed}${inProgress.where ? ` · ${inProgress.where}` : ''} · pid ${inProgress.pid}`;
  render();
}, 100);

// ---- summary, processes, compare -----------------------------------------------------------
/**
 * A table whose cells carry their column's key (`k-calls`): trace.css places them by it when the
 * panel is narrow, two or three lines per row. `numeric` columns are right-aligned.
 */
function table(kind: string, columns: { key: string; label: string; numeric?: boolean }[], rows: string[][], rowClass?: (i: number) => string): HTMLTableElement {
  const node = element('table', `grid ${kind}`);
  const cellClass = (i: number) => `k-${columns[i]!.key}${columns[i]!.numeric ? ' num' : ''}`;
  const head = node.createTHead().insertRow();
  columns.forEach((c, i) => head.append(element('th', cellClass(i), c.label)));
  const body = node.createTBody();
  rows.forEach((cells, i) => {
    const tr = body.insertRow();
    if (rowClass) tr.className = rowClass(i);
    cells.forEach((c, j) => tr.append(element('td', cellClass(j), c)));
  });
  return node;
}

/** Scrolls so that row `index` of the filtered list is in the middle of the view (or at its top). */
function scrollToRow(index: number, middle = true): void {
  const visible = Math.ceil(viewport.clientHeight / rowHeight);
  const top = Math.max(0, index - (middle ? Math.floor(visible / 2) : 0));
  spacer.style.height = `${Math.min(total * rowHeight, MAX_SCROLL_HEIGHT)}px`;
  const scale = scrollScale();
  if (scale === 1) viewport.scrollTop = top * rowHeight;
  else viewport.scrollTop = (top / Math.max(1, total - visible)) * Math.max(1, spacer.offsetHeight - viewport.clientHeight);
  render();
}

const SUMMARY_COLUMNS = [
  { key: 'percent', label: '% time', numeric: true }, { key: 'seconds', label: 'seconds', numeric: true },
  { key: 'usecs', label: 'usecs/call', numeric: true }, { key: 'calls', label: 'calls', numeric: true },
  { key: 'errors', label: 'errors', numeric: true }, { key: 'name', label: 'syscall' },
];
const ERRNO_COLUMNS = [
  { key: 'errno', label: 'errno' }, { key: 'calls', label: 'calls', numeric: true },
  { key: 'message', label: 'meaning' }, { key: 'syscalls', label: 'failed calls' },
];

function showSummary(rows: SummaryRow[], totalCalls: number, totalErrors: number, origins: string, errnos: ErrnoSummaryRow[]): void {
  const body = rows.map((r) => [r.percent.toFixed(2), r.totalTime.toFixed(6), String(r.calls ? Math.round((r.totalTime * 1e6) / r.calls) : 0), String(r.calls), r.errors ? String(r.errors) : '', r.name]);
  body.push(['100.00', rows.reduce((t, r) => t + r.totalTime, 0).toFixed(6), '', String(totalCalls), totalErrors ? String(totalErrors) : '', 'total']);
  summaryPage.replaceChildren(table('summary', SUMMARY_COLUMNS, body, (i) => (rows[i]?.errors ? 'has-errors' : i === rows.length ? 'total' : '')));
  if (origins) summaryPage.append(element('div', 'hint', origins));
  if (errnos.length) {
    summaryPage.append(element('div', 'summary-title', 'Failed calls by errno'),
      table('errnos', ERRNO_COLUMNS, errnos.map((e) => [e.errno, String(e.calls), e.message, e.syscalls])));
  }
}

function showProcesses(rows: ProcessRow[]): void {
  const list = element('div', 'tree');
  for (const p of rows) {
    const line = element('div', 'tree-row');
    line.style.paddingLeft = `${p.depth * 16 + 4}px`;
    const pid = element('span', 'tree-pid', `${p.thread ? 'thread' : 'process'} ${p.pid}`);
    pid.style.color = pidColor(p.pid);
    pid.addEventListener('click', () => { pidInput.value = String(p.pid); showTab('calls'); sendFilter(); });
    pid.title = 'Show only this pid';
    line.append(pid, element('span', 'tree-info', `  ${p.command ?? ''}  ${p.calls} calls${p.exit ? ` — ${p.exit}` : ''}`));
    list.append(line);
  }
  processPage.replaceChildren(list);
}

/** The aligned call sequences: what B added, what it no longer makes, what changed in outcome. */
function sequenceTable(view: CompareView): HTMLElement {
  const section = element('div');
  if (!view.changes) {
    section.append(element('div', 'hint', 'The runs are too long to align call by call; the counts above compare them.'));
    return section;
  }
  const shown = view.changes.length < (view.changeCount ?? 0) ? ` (the first ${view.changes.length} shown)` : '';
  section.append(element('div', 'compare-sequence-title', `Call by call: ${view.changeCount ?? 0} differences${shown}`));
  const describe = (step: CallStep | undefined) =>
    step ? `${step.name} → ${step.outcome}${step.where ? ` at ${step.where}` : ''}${step.origin ? ` (${step.origin})` : ''}` : '';
  const rows = view.changes.map((c) => [
    c.kind === 'added' ? '+ added' : c.kind === 'removed' ? '− removed' : '≠ changed',
    c.indexA !== undefined ? `#${c.indexA}` : '', describe(c.a), c.indexB !== undefined ? `#${c.indexB}` : '', describe(c.b),
  ]);
  const columns = [{ key: 'change', label: '' }, { key: 'index-a', label: 'A', numeric: true }, { key: 'call-a', label: 'call in A' },
    { key: 'index-b', label: 'B', numeric: true }, { key: 'call-b', label: 'call in B' }];
  section.append(table('sequence', columns, rows, (i) => `status-${view.changes![i]!.kind === 'added' ? 'new' : view.changes![i]!.kind === 'removed' ? 'vanished' : 'both'}`));
  return section;
}

function showCompare(view: CompareView | undefined): void {
  if (!view) {
    comparePage.replaceChildren(element('p', 'hint', 'Run Compare… to put two runs side by side: calls per syscall, new and vanished syscalls.'));
    return;
  }
  const change = view.totalB - view.totalA;
  const title = element('div', 'compare-title');
  title.append(
    element('div', undefined, `A: ${view.titleA} — ${view.totalA} calls`),
    element('div', undefined, `B: ${view.titleB} — ${view.totalB} calls`),
    element('div', undefined, `B − A: ${change >= 0 ? '+' : ''}${change} calls`),
  );
  const rows = view.rows.map((r) => [r.name, String(r.callsA), String(r.callsB), `${r.difference > 0 ? '+' : ''}${r.difference}`, r.status === 'both' ? '' : r.status]);
  const columns = [{ key: 'name', label: 'syscall' }, { key: 'a', label: 'A', numeric: true }, { key: 'b', label: 'B', numeric: true },
    { key: 'difference', label: 'B − A', numeric: true }, { key: 'status', label: '' }];
  comparePage.replaceChildren(title, table('counts', columns, rows, (i) => `status-${view.rows[i]!.status}`));
  comparePage.append(sequenceTable(view));
}

// ---- messages from the host ----------------------------------------------------------------
window.addEventListener('message', (event: MessageEvent<HostMessage>) => {
  const message = event.data;
  switch (message.type) {
    case 'reset':
      cache.clear();
      requested.clear();
      total = 0;
      selected = undefined;
      inProgress = undefined;
      inProgressBar.hidden = true;
      detailText.textContent = '';
      failButton.disabled = true;
      status.textContent = message.title;
      status.title = message.title;
      stopButton.disabled = !message.running;
      viewport.scrollTop = 0;
      render();
      break;
    case 'status':
      status.textContent = message.text;
      status.title = message.text;
      status.classList.toggle('error', Boolean(message.error));
      stopButton.disabled = !message.running;
      traceButton.disabled = message.running;
      if (!message.running) {
        inProgress = undefined;
        inProgressBar.hidden = true;
      }
      break;
    case 'count': {
      const atEnd = viewport.scrollTop + viewport.clientHeight >= viewport.scrollHeight - rowHeight;
      const grewPartialPage = Math.floor((total - 1) / PAGE);
      if (message.generation !== generation) {
        generation = message.generation;
        cache.clear();
        requested.clear();
      }
      total = message.matching;
      countLabel.textContent = `${message.matching.toLocaleString()} of ${message.total.toLocaleString()} events${message.unparsed ? ` · ${message.unparsed} lines not understood` : ''}`;
      // The last page was partial: ask for it again to get the new rows.
      requested.delete(grewPartialPage);
      if (atEnd && total > 0) viewport.scrollTop = viewport.scrollHeight;
      render();
      break;
    }
    case 'rows':
      if (message.generation !== generation) {
        generation = message.generation;
        cache.clear();
        requested.clear();
      }
      message.rows.forEach((row, i) => cache.set(message.start + i, row));
      if (message.rows.length < PAGE) requested.delete(Math.floor(message.start / PAGE));
      if (selected !== undefined && message.rows.some((r) => r.seq === selected)) select(selected);
      render();
      break;
    case 'inProgress':
      inProgress = message.row;
      inProgressBar.hidden = !message.row;
      break;
    case 'summary':
      showSummary(message.rows, message.totalCalls, message.totalErrors, message.origins, message.errnos);
      break;
    case 'focus':
      if (message.cleared) clearFilterControls();
      showTab('calls');
      scrollToRow(message.index);
      select(message.seq);
      break;
    case 'processes':
      showProcesses(message.rows);
      break;
    case 'compare':
      showCompare(message.view);
      if (message.view && message.reveal) showTab('compare');
      // The comparison was of a run just replaced: back to its calls.
      else if (!message.view && !pages.get('compare')!.hidden) showTab('calls');
      break;
    case 'categories':
      for (const category of message.categories) categorySelect.append(new Option(category, category));
      break;
  }
});

root.append(toolbar, tabs, ...pages.values());
fitWidth();
showTab('calls');
showCompare(undefined);
post({ type: 'ready' });
