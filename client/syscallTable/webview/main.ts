// The syscall table, running in the webview. Rows come from the bundled syscall database (the same
// generated tables the language server and the trace use); man pages come from the host. Every
// text reaches the DOM through textContent, never as markup.
import {
  abiLabel, allSyscalls, CALLING_CONVENTIONS, declaration, errnoByName, isImplemented, likelyErrnos, lookupSyscallByName,
  parseSyscallQuery, resultText, searchSyscalls, signature, SYSCALL_CATEGORIES, tableOrigin, type Abi, type SyscallInfo,
} from '../../../syscalls';
import type { TableHostMessage, TableMessage, TableState } from '../protocol';

declare function acquireVsCodeApi(): { postMessage(message: TableMessage): void; getState(): unknown; setState(state: unknown): void };
const vscode = acquireVsCodeApi();
const post = (message: TableMessage) => vscode.postMessage(message);

const state: TableState = { abi: 'x86_64', query: '', category: '', implementedOnly: false, ...(vscode.getState() as Partial<TableState> | undefined) };
let rows: SyscallInfo[] = [];
let editorName: string | undefined;
const manPages = new Map<string, Extract<TableHostMessage, { type: 'manPage' }>>();

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// ---- layout -------------------------------------------------------------------------------
const root = document.getElementById('root')!;
const toolbar = element('div', 'toolbar');
const abiSelect = element('select', 'abi');
abiSelect.title = 'Which syscall table: 64-bit (syscall) or 32-bit (int 0x80)';
abiSelect.setAttribute('aria-label', 'ABI');
for (const abi of ['x86_64', 'i386'] as Abi[]) {
  const option = element('option', undefined, `${abiLabel(abi)} (${CALLING_CONVENTIONS[abi].instructions[0]})`);
  option.value = abi;
  abiSelect.append(option);
}
const search = element('input', 'search');
search.type = 'search';
search.placeholder = 'Filter: name, number (60, 0x3c), category, cat:file, arg:fd';
search.setAttribute('aria-label', 'Filter syscalls');
const categorySelect = element('select', 'category');
categorySelect.setAttribute('aria-label', 'Category');
categorySelect.append(Object.assign(element('option', undefined, 'All categories'), { value: '' }));
for (const category of SYSCALL_CATEGORIES) categorySelect.append(Object.assign(element('option', undefined, category), { value: category }));
const implementedLabel = element('label', 'implemented');
const implementedBox = element('input');
implementedBox.type = 'checkbox';
implementedLabel.append(implementedBox, document.createTextNode(' implemented only'));
const count = element('span', 'count');
toolbar.append(abiSelect, search, categorySelect, implementedLabel, count);

const body = element('div', 'body');
const tableWrap = element('div', 'table-wrap');
tableWrap.tabIndex = 0;
tableWrap.setAttribute('role', 'grid');
tableWrap.setAttribute('aria-label', 'Syscalls');
const table = element('table', 'syscalls');
const head = element('thead');
const rowsBody = element('tbody');
table.append(head, rowsBody);
tableWrap.append(table);
const detail = element('div', 'detail');
detail.setAttribute('aria-live', 'polite');
body.append(tableWrap, detail);
root.append(toolbar, body);

// ---- table --------------------------------------------------------------------------------
function renderHead(): void {
  const tr = element('tr');
  const convention = CALLING_CONVENTIONS[state.abi];
  tr.append(element('th', 'nr', convention.numberRegister), element('th', 'name', 'name'));
  for (const register of convention.argumentRegisters) tr.append(element('th', 'arg', register));
  // A narrow panel shows one "arguments" column instead of one per register (see the CSS).
  tr.append(element('th', 'args', 'arguments'), element('th', 'category', 'category'));
  head.replaceChildren(tr);
}

function renderRows(): void {
  const query = parseSyscallQuery(`${state.query} ${state.category ? `cat:${state.category}` : ''}`, { implementedOnly: state.implementedOnly });
  rows = searchSyscalls(allSyscalls(state.abi), query);
  const convention = CALLING_CONVENTIONS[state.abi];
  const fragment = document.createDocumentFragment();
  for (const syscall of rows) {
    const tr = element('tr', isImplemented(syscall) ? 'row' : 'row not-implemented');
    tr.dataset.name = syscall.name;
    tr.setAttribute('role', 'row');
    if (syscall.summary) tr.title = syscall.summary;
    tr.append(element('td', 'nr', String(syscall.number)), element('td', 'name', syscall.name));
    convention.argumentRegisters.forEach((_, i) => {
      const param = syscall.params[i];
      tr.append(element('td', 'arg', param ? declaration(param) : ''));
    });
    tr.append(element('td', 'args', syscall.params.map(declaration).join(', ')));
    tr.append(element('td', 'category', isImplemented(syscall) ? syscall.category : `${syscall.category} (not implemented)`));
    fragment.append(tr);
  }
  rowsBody.replaceChildren(fragment);
  const total = allSyscalls(state.abi).length;
  count.textContent = rows.length === total ? `${total} syscalls` : `${rows.length} of ${total}`;
  if (!rows.length) {
    const empty = element('tr', 'empty');
    const cell = element('td', undefined, `No ${abiLabel(state.abi)} syscall matches.`);
    cell.colSpan = convention.argumentRegisters.length + 4;
    empty.append(cell);
    rowsBody.append(empty);
  }
  markSelected();
}

function markSelected(): void {
  for (const tr of Array.from(rowsBody.querySelectorAll<HTMLElement>('tr.selected'))) tr.classList.remove('selected');
  const tr = state.selected ? rowsBody.querySelector<HTMLElement>(`tr[data-name="${CSS.escape(state.selected)}"]`) : null;
  if (tr) {
    tr.classList.add('selected');
    tr.setAttribute('aria-selected', 'true');
  }
}

function select(name: string | undefined, scroll = false): void {
  state.selected = name;
  saveState();
  markSelected();
  if (scroll && name) rowsBody.querySelector<HTMLElement>(`tr[data-name="${CSS.escape(name)}"]`)?.scrollIntoView({ block: 'nearest' });
  renderDetail();
  if (name && !manPages.has(key(state.abi, name))) post({ type: 'select', abi: state.abi, name });
}

const key = (abi: Abi, name: string) => `${abi}:${name}`;

function selectedSyscall(): SyscallInfo | undefined {
  if (!state.selected) return undefined;
  const found = lookupSyscallByName(state.abi, state.selected);
  return found.known ? found.syscall : undefined;
}

// ---- detail -------------------------------------------------------------------------------
function actionButton(label: string, title: string, onClick: () => void): HTMLButtonElement {
  const node = element('button', 'action', label);
  node.title = title;
  node.addEventListener('click', onClick);
  return node;
}

function renderDetail(): void {
  const syscall = selectedSyscall();
  if (!syscall) {
    detail.replaceChildren(element('p', 'hint', 'Select a syscall to see its registers, errors and man page. ↑/↓ move, Enter inserts it at the cursor.'));
    return;
  }
  const convention = CALLING_CONVENTIONS[syscall.abi];
  const header = element('div', 'detail-head');
  header.append(element('h2', undefined, syscall.name));
  const insert = actionButton('Insert', editorName ? `Insert the call into ${editorName} at the cursor` : 'Open a NASM file to insert the call into it', () => post({ type: 'insert', abi: syscall.abi, name: syscall.name }));
  insert.disabled = !editorName;
  header.append(insert, actionButton('Copy', 'Copy the NASM that makes this call', () => post({ type: 'copy', abi: syscall.abi, name: syscall.name })));
  const where = syscall.entry ? `${syscall.entry}${syscall.source ? ` in ${syscall.source}` : ''}` : 'no kernel entry point';
  const parts: HTMLElement[] = [
    header,
    element('p', 'meta', `${abiLabel(syscall.abi)} syscall ${syscall.number} · ${syscall.category} · ${where} · Linux ${tableOrigin(syscall.abi).kernel}`),
    element('pre', 'signature', `${signature(syscall)};`),
  ];
  if (syscall.summary) parts.push(element('p', 'summary', syscall.summary));
  const registers = element('table', 'registers');
  const numberRow = element('tr');
  numberRow.append(element('td', 'register', convention.numberRegister), element('td', undefined, `${syscall.number} (${syscall.name})`));
  registers.append(numberRow);
  syscall.params.forEach((param, i) => {
    const tr = element('tr');
    tr.append(element('td', 'register', convention.argumentRegisters[i] ?? 'stack'), element('td', undefined, declaration(param)));
    registers.append(tr);
  });
  parts.push(registers, element('p', 'result', resultText(syscall)));
  if (convention.clobbered.length) parts.push(element('p', 'note', `${convention.instructions[0]} also overwrites ${convention.clobbered.join(' and ')}.`));

  const man = manPages.get(key(syscall.abi, syscall.name));
  if (isImplemented(syscall) && !syscall.noReturn && man?.errors?.length === 0) {
    parts.push(element('h3', undefined, 'Errors'), element('p', 'hint', `man 2 ${syscall.name} lists no errors.`));
  } else if (isImplemented(syscall) && !syscall.noReturn) {
    const fromMan = man?.errors?.length ? man.errors : undefined;
    const errors = fromMan ?? likelyErrnos(syscall);
    parts.push(element('h3', undefined, fromMan ? `Errors (from man 2 ${syscall.name})` : man ? 'Errors (likely; no man page lists them)' : 'Errors'));
    const list = element('ul', 'errors');
    for (const name of errors) {
      const item = element('li');
      item.append(element('code', undefined, name), document.createTextNode(` ${errnoByName(name)?.message ?? ''}`));
      list.append(item);
    }
    parts.push(list);
  }
  parts.push(element('h3', undefined, 'Man page'));
  if (!man) parts.push(element('p', 'hint', 'Reading the local man page…'));
  else if (man.text !== undefined) {
    parts.push(actionButton(`Open man 2 ${syscall.name} in an editor`, 'Show the installed man page in a read-only editor tab', () => post({ type: 'openManPage', abi: syscall.abi, name: syscall.name })));
    parts.push(element('pre', 'man', man.text));
  } else parts.push(element('p', 'hint', man.missing ?? 'No local man page.'));
  detail.replaceChildren(...parts);
}

// ---- events -------------------------------------------------------------------------------
function saveState(): void {
  vscode.setState(state);
}

function applyState(): void {
  abiSelect.value = state.abi;
  search.value = state.query;
  categorySelect.value = state.category;
  implementedBox.checked = state.implementedOnly;
  renderHead();
  renderRows();
  select(state.selected, true);
}

abiSelect.addEventListener('change', () => {
  state.abi = abiSelect.value === 'i386' ? 'i386' : 'x86_64';
  // The same call in the other table keeps the selection (write is 1 on x86-64, 4 on i386).
  if (state.selected && !lookupSyscallByName(state.abi, state.selected).known) state.selected = undefined;
  saveState();
  applyState();
});
search.addEventListener('input', () => {
  state.query = search.value;
  saveState();
  renderRows();
});
search.addEventListener('keydown', (event) => {
  if (event.key === 'ArrowDown' || event.key === 'Enter') {
    event.preventDefault();
    if (rows[0]) select(rows.some((s) => s.name === state.selected) ? state.selected : rows[0].name, true);
    tableWrap.focus();
  }
});
categorySelect.addEventListener('change', () => {
  state.category = categorySelect.value;
  saveState();
  renderRows();
});
implementedBox.addEventListener('change', () => {
  state.implementedOnly = implementedBox.checked;
  saveState();
  renderRows();
});
rowsBody.addEventListener('click', (event) => {
  const tr = (event.target as HTMLElement).closest<HTMLElement>('tr[data-name]');
  if (tr) select(tr.dataset.name);
});
rowsBody.addEventListener('dblclick', (event) => {
  const tr = (event.target as HTMLElement).closest<HTMLElement>('tr[data-name]');
  if (tr && editorName) post({ type: 'insert', abi: state.abi, name: tr.dataset.name! });
});
tableWrap.addEventListener('keydown', (event) => {
  const index = rows.findIndex((s) => s.name === state.selected);
  const move = (to: number) => {
    event.preventDefault();
    const target = rows[Math.max(0, Math.min(rows.length - 1, to))];
    if (target) select(target.name, true);
  };
  switch (event.key) {
    case 'ArrowDown': return move(index + 1);
    case 'ArrowUp': return move(index - 1);
    case 'PageDown': return move(index + 20);
    case 'PageUp': return move(index - 20);
    case 'Home': return move(0);
    case 'End': return move(rows.length - 1);
    case 'Enter':
      if (state.selected && editorName) post({ type: 'insert', abi: state.abi, name: state.selected });
      return undefined;
    default:
      // Typing goes to the filter, as in a list with type-to-find.
      if (event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey) search.focus();
      return undefined;
  }
});

window.addEventListener('message', (event: MessageEvent<TableHostMessage>) => {
  const message = event.data;
  switch (message.type) {
    case 'show':
      Object.assign(state, message.state ?? {});
      saveState();
      applyState();
      break;
    case 'manPage':
      manPages.set(key(message.abi, message.name), message);
      if (message.abi === state.abi && message.name === state.selected) renderDetail();
      break;
    case 'editor':
      editorName = message.name;
      renderDetail();
      break;
  }
});

applyState();
post({ type: 'ready' });
