import { Container, ContainerModule } from 'inversify';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { BLOCKS } from './blocks/index.js';
import { DATASETS } from './datasets/index.js';
import { HEADS } from './heads/index.js';
import { OPTIMIZERS } from './optimizers/index.js';
import { SCHEDULES } from './schedules/index.js';
import { COMPONENT_KINDS, type ComponentDefinition, type ComponentKind } from './component.js';
import { messages } from '../core/messages.js';

/** One service identifier per kind; every definition of a kind is bound to it. */
export const TYPES = {
  Component: Object.fromEntries(COMPONENT_KINDS.map((k) => [k, Symbol.for(`layerwise.${k}`)])) as Record<ComponentKind, symbol>,
  Registry: Symbol.for('layerwise.Registry'),
};

export const BUILTIN_COMPONENTS: ComponentDefinition[] = [...BLOCKS, ...HEADS, ...OPTIMIZERS, ...SCHEDULES, ...DATASETS] as ComponentDefinition[];

export class RegistryError extends Error {
  override name = 'RegistryError';
}

/** The components of a run, by kind and name, built from the container's bindings. */
export class ComponentRegistry {
  private readonly byKind = new Map<ComponentKind, Map<string, ComponentDefinition>>();

  constructor(definitions: ComponentDefinition[]) {
    for (const kind of COMPONENT_KINDS) this.byKind.set(kind, new Map());
    for (const d of definitions) {
      const names = this.byKind.get(d.kind);
      if (!names) throw new RegistryError(messages.unknownKind(d.kind, COMPONENT_KINDS));
      if (!/^[a-z][a-z0-9_]*$/.test(d.name)) throw new RegistryError(messages.badComponentName(d.kind, d.name));
      if (names.has(d.name)) throw new RegistryError(messages.duplicateComponent(d.kind, d.name));
      names.set(d.name, d);
    }
  }

  names(kind: ComponentKind): string[] {
    return [...this.byKind.get(kind)!.keys()];
  }

  list(kind: ComponentKind): ComponentDefinition[] {
    return [...this.byKind.get(kind)!.values()];
  }

  find(kind: ComponentKind, name: string): ComponentDefinition | undefined {
    return this.byKind.get(kind)!.get(name);
  }

  get(kind: ComponentKind, name: string): ComponentDefinition {
    const d = this.find(kind, name);
    if (!d) throw new RegistryError(messages.unknownComponent(kind, name, this.names(kind)));
    return d;
  }
}

function componentsModule(definitions: ComponentDefinition[]): ContainerModule {
  return new ContainerModule(({ bind }) => {
    for (const d of definitions) bind(TYPES.Component[d.kind]).toConstantValue(d);
  });
}

/**
 * A fresh container per run and per test: the built-in components, the given extra ones (plugins,
 * test doubles) and the registry that indexes them.
 */
export function createContainer(extra: ComponentDefinition[] = []): Container {
  const container = new Container();
  container.load(componentsModule(BUILTIN_COMPONENTS), componentsModule(extra));
  container.bind(TYPES.Registry).toDynamicValue((ctx) =>
    new ComponentRegistry(COMPONENT_KINDS.flatMap((k) => ctx.getAll<ComponentDefinition>(TYPES.Component[k], { optional: true } as never) ?? [])),
  ).inSingletonScope();
  return container;
}

export function createRegistry(extra: ComponentDefinition[] = []): ComponentRegistry {
  return createContainer(extra).get<ComponentRegistry>(TYPES.Registry);
}

/**
 * Loads user components from plugin modules (`plugins: [./my_blocks.js]` in a spec). A plugin's default
 * export is a component definition or a list of them.
 */
export async function loadPlugins(files: string[], baseDir: string): Promise<ComponentDefinition[]> {
  const definitions: ComponentDefinition[] = [];
  for (const file of files) {
    const mod = (await import(pathToFileURL(path.resolve(baseDir, file)).href)) as { default?: unknown };
    const exported = Array.isArray(mod.default) ? mod.default : [mod.default];
    for (const d of exported) {
      if (!d || typeof d !== 'object' || !('kind' in d) || !('name' in d) || !('create' in d) || !('params' in d)) {
        throw new RegistryError(messages.badPlugin(file));
      }
      definitions.push(d as ComponentDefinition);
    }
  }
  return definitions;
}
