// package.json's contributions are kept in step with client/contributions.ts (and through it with the
// modules that own each default) by this test, not by hand.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  COMMANDS, DEBUG_LANGUAGES, DEBUG_TYPE, LAUNCH_ATTRIBUTES, SETTINGS, SETTINGS_SECTION, TRACE_CATEGORIES, TRACE_VIEW_ID,
  VSCODE_LAUNCH_ATTRIBUTES, WALKTHROUGH_ID,
} from '../../../client/contributions';

const ROOT = path.resolve(__dirname, '../../..');
const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const contributes = manifest.contributes;

describe('commands', () => {
  it('declares exactly the commands the code registers', () => {
    const declared = contributes.commands.map((c: { command: string }) => c.command).sort();
    expect(declared).toEqual(Object.values(COMMANDS).sort());
  });

  it('refers only to known commands in key bindings, menus and activation events', () => {
    const known = new Set<string>(Object.values(COMMANDS));
    const referenced = [
      ...contributes.keybindings.map((k: { command: string }) => k.command),
      ...Object.values(contributes.menus as Record<string, { command: string }[]>).flat().map((m) => m.command),
      ...manifest.activationEvents.filter((e: string) => e.startsWith('onCommand:')).map((e: string) => e.slice('onCommand:'.length)),
    ];
    expect(referenced.filter((command) => !known.has(command))).toEqual([]);
  });
});

describe('settings', () => {
  const properties = contributes.configuration.properties as Record<string, { default: unknown }>;

  it('declares every setting the code reads, with the default the code uses', () => {
    const declared = Object.fromEntries(Object.entries(properties).map(([key, p]) => [key, p.default]));
    const coded = Object.fromEntries(Object.values(SETTINGS).map((s) => [`${SETTINGS_SECTION}.${s.key}`, s.default]));
    expect(declared).toEqual(coded);
  });

  it('declares descriptions that use markdown as markdownDescription, so VS Code renders them', () => {
    const described = [
      ...Object.entries(properties),
      ...Object.entries(contributes.debuggers[0].configurationAttributes.launch.properties as Record<string, { description?: string }>),
    ] as [string, { description?: string }][];
    expect(described.filter(([, p]) => /`|\*\*|\]\(/.test(p.description ?? '')).map(([key]) => key)).toEqual([]);
  });

  it('restricts only real settings in untrusted folders', () => {
    for (const key of manifest.capabilities.untrustedWorkspaces.restrictedConfigurations) expect(properties).toHaveProperty([key]);
  });
});

describe('the debugger', () => {
  const debuggers = contributes.debuggers as { type: string; languages: string[]; configurationAttributes: { launch: { properties: Record<string, unknown> } } }[];

  it('has one debug type, the one the client registers, for the languages F5 builds', () => {
    expect(debuggers.map((d) => d.type)).toEqual([DEBUG_TYPE]);
    expect(debuggers[0]!.languages).toEqual([...DEBUG_LANGUAGES]);
    expect(contributes.breakpoints.map((b: { language: string }) => b.language)).toEqual([...DEBUG_LANGUAGES]);
    for (const event of manifest.activationEvents.filter((e: string) => e.startsWith('onDebug') && e.includes(':'))) {
      expect(event.split(':')[1]).toBe(DEBUG_TYPE);
    }
  });

  it('documents every launch attribute the adapter reads, and no other', () => {
    const declared = Object.keys(debuggers[0]!.configurationAttributes.launch.properties).sort();
    const userAttributes = Object.entries(LAUNCH_ATTRIBUTES).filter(([, by]) => by === 'declared').map(([name]) => name);
    expect(declared).toEqual([...userAttributes, ...VSCODE_LAUNCH_ATTRIBUTES].sort());
  });
});

describe('the trace panel', () => {
  it('is the view package.json declares', () => {
    const views = Object.values(contributes.views as Record<string, { id: string }[]>).flat().map((v) => v.id);
    expect(views).toContain(TRACE_VIEW_ID);
    expect(manifest.activationEvents).toContain(`onView:${TRACE_VIEW_ID}`);
  });

  it('offers every category the syscall tables use, and "other" last', () => {
    const rules = JSON.parse(readFileSync(path.join(ROOT, 'syscalls/data/categories.json'), 'utf8')).rules as [string, string[]][];
    expect([...TRACE_CATEGORIES].sort()).toEqual([...rules.map(([name]) => name), 'other'].sort());
    const used = new Set<string>();
    for (const abi of ['x86_64', 'i386']) {
      for (const row of JSON.parse(readFileSync(path.join(ROOT, `syscalls/data/${abi}.json`), 'utf8')).syscalls) used.add(row.category);
    }
    expect([...used].filter((c) => !TRACE_CATEGORIES.includes(c))).toEqual([]);
    expect(TRACE_CATEGORIES.at(-1)).toBe('other');
  });
});

describe('the Get Started walkthrough', () => {
  const walkthroughs = contributes.walkthroughs as { id: string; steps: { id: string; description: string; completionEvents?: string[] }[] }[];

  it('is the one the Get Started command opens', () => {
    expect(walkthroughs.map((w) => w.id)).toEqual([WALKTHROUGH_ID]);
  });

  it('links and completes only on commands the extension registers', () => {
    const known = new Set<string>(Object.values(COMMANDS));
    for (const step of walkthroughs[0]!.steps) {
      const linked = [...step.description.matchAll(/\(command:([\w.]+)\)/g)].map((m) => m[1]!);
      const completing = (step.completionEvents ?? []).filter((e) => e.startsWith('onCommand:')).map((e) => e.slice('onCommand:'.length));
      expect(linked.length, `step ${step.id} has a button`).toBeGreaterThan(0);
      expect([...linked, ...completing].filter((command) => !known.has(command))).toEqual([]);
    }
  });
});
