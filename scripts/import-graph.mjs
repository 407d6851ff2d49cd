// The TypeScript import graph of the extension's own sources: module cycles, folder cycles and the
// folder rules (who may import whom). Run by `npm test` through test/unit/layout/imports.test.ts and
// usable alone: `node scripts/import-graph.mjs` prints what it finds and exits 1 on a violation.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** The top-level source folders; everything else (test/, scripts/, node_modules/) is not product code. */
export const SOURCE_FOLDERS = ['cli', 'client', 'debug-adapter', 'nasm', 'server', 'syscalls', 'toolchain', 'trace', 'x86'];

/** Which folders each folder may import: the layout's rule, as data (README "Development" shows it). */
const LIBRARIES = ['nasm', 'x86', 'syscalls', 'toolchain'];
export const MAY_IMPORT = {
  x86: [],
  syscalls: ['x86'],
  toolchain: ['nasm'],
  nasm: ['x86', 'syscalls'],
  server: LIBRARIES,
  // trace/map's ELF, DWARF and listing reading: where a macro invocation's code starts.
  'debug-adapter': [...LIBRARIES, 'trace'],
  trace: LIBRARIES,
  cli: [...LIBRARIES, 'server', 'debug-adapter', 'trace'],
  client: [...LIBRARIES, 'server', 'debug-adapter', 'trace'],
};

/** Module specifiers a product folder outside client/ must never import. */
const VSCODE_ONLY = new Set(['vscode', 'vscode-languageclient', 'vscode-languageclient/node']);

export function listSources(root) {
  const files = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.tsx?$/.test(name) && !name.endsWith('.d.ts')) files.push(path);
    }
  };
  for (const folder of SOURCE_FOLDERS) {
    try { walk(join(root, folder)); } catch (error) { if (error.code !== 'ENOENT') throw error; }
  }
  return files.sort();
}

/** Every import, export-from and dynamic import() specifier in one source text; type-only imports count too. */
export function importSpecifiers(fileName, text) {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false);
  const found = [];
  const visit = (node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
      found.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function resolveRelative(fromFile, specifier, known) {
  const base = resolve(dirname(fromFile), specifier);
  const candidates = [base, base.replace(/\.js$/, '.ts'), `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')];
  return candidates.find((candidate) => known.has(candidate));
}

/** Module graph: root-relative path → root-relative paths it imports, plus the bare packages each imports. */
export function buildGraph(root) {
  const files = listSources(root);
  const known = new Set(files);
  const modules = new Map();
  const packages = new Map();
  for (const file of files) {
    const key = relative(root, file);
    const edges = new Set();
    const bare = new Set();
    for (const specifier of importSpecifiers(file, readFileSync(file, 'utf8'))) {
      if (specifier.startsWith('.')) {
        const target = resolveRelative(file, specifier, known);
        if (target) edges.add(relative(root, target));
      } else {
        bare.add(specifier);
      }
    }
    modules.set(key, [...edges].sort());
    packages.set(key, [...bare].sort());
  }
  return { modules, packages };
}

/** Strongly connected components with more than one member (or a self-import): each is a cycle. */
export function findCycles(graph) {
  let counter = 0;
  const index = new Map();
  const low = new Map();
  const onStack = new Set();
  const stack = [];
  const cycles = [];
  // Iterative Tarjan: the graph of a large code base must not overflow the call stack.
  for (const start of graph.keys()) {
    if (index.has(start)) continue;
    const work = [[start, 0]];
    index.set(start, counter); low.set(start, counter); counter += 1; stack.push(start); onStack.add(start);
    while (work.length) {
      const frame = work[work.length - 1];
      const [node, next] = frame;
      const targets = graph.get(node) ?? [];
      if (next < targets.length) {
        frame[1] += 1;
        const target = targets[next];
        if (!index.has(target)) {
          index.set(target, counter); low.set(target, counter); counter += 1; stack.push(target); onStack.add(target);
          work.push([target, 0]);
        } else if (onStack.has(target)) {
          low.set(node, Math.min(low.get(node), index.get(target)));
        }
        continue;
      }
      work.pop();
      if (work.length) {
        const parent = work[work.length - 1][0];
        low.set(parent, Math.min(low.get(parent), low.get(node)));
      }
      if (low.get(node) === index.get(node)) {
        const component = [];
        let member;
        do { member = stack.pop(); onStack.delete(member); component.push(member); } while (member !== node);
        if (component.length > 1 || targets.includes(node)) cycles.push(component.sort());
      }
    }
  }
  return cycles;
}

export function topFolder(path) {
  return path.split(/[\\/]/)[0];
}

/** The folder graph: an edge A → B when a module in A imports a module in B. */
export function folderGraph(modules) {
  const folders = new Map();
  for (const [from, targets] of modules) {
    const source = topFolder(from);
    if (!folders.has(source)) folders.set(source, new Set());
    for (const target of targets) if (topFolder(target) !== source) folders.get(source).add(topFolder(target));
  }
  return new Map([...folders].map(([folder, targets]) => [folder, [...targets].sort()]));
}

/** Every rule the layout promises, as messages; empty when the code keeps them all. */
export function checkLayout(root) {
  const { modules, packages } = buildGraph(root);
  const problems = [];
  for (const cycle of findCycles(modules)) problems.push(`import cycle: ${cycle.join(' → ')}`);
  const folders = folderGraph(modules);
  for (const cycle of findCycles(folders)) problems.push(`folder cycle: ${cycle.join(' ↔ ')}`);
  for (const [module, bare] of packages) {
    if (topFolder(module) === 'client') continue;
    for (const specifier of bare) if (VSCODE_ONLY.has(specifier)) problems.push(`${module} imports ${specifier}; only client/ may`);
  }
  for (const [module, targets] of modules) {
    const folder = topFolder(module);
    for (const target of targets) {
      const into = topFolder(target);
      if (into === folder) continue;
      if (into === 'client') problems.push(`${module} imports ${target}; nothing outside client/ may import client/`);
      else if (into === 'cli') problems.push(`${module} imports ${target}; cli/ is an entry point, nothing imports it`);
      else if (!(MAY_IMPORT[folder] ?? []).includes(into)) problems.push(`${module} imports ${target}; ${folder}/ may import only ${(MAY_IMPORT[folder] ?? []).join(', ') || 'nothing'}`);
    }
  }
  return { problems, modules, folders };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const { problems, modules, folders } = checkLayout(root);
  for (const [folder, targets] of folders) console.log(`${folder.padEnd(14)} → ${targets.join(', ') || '(nothing)'}`);
  console.log(`${modules.size} modules`);
  for (const problem of problems) console.error(problem);
  process.exit(problems.length ? 1 : 0);
}
