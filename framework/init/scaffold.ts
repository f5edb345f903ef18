/**
 * `etl init`: a new project from the template in templates/project/. The template is a
 * project's real files (its job and config type-check with the framework's own sources, so a
 * change to the DSL that breaks them fails this repository's typecheck); package.json is the
 * one file made here, as it names this lakeform's version (and may exist already). Names starting with `dot-` become
 * dotfiles: npm leaves `.gitignore` out of a package, so the template cannot hold one as such.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot } from '../compile/driver.ts';
import { InternalError, UsageError } from '../errors/index.ts';
import { writeNewFiles, type NewFile } from './new-files.ts';

const LAKEFORM_ROOT = packageRoot(path.dirname(fileURLToPath(import.meta.url)));
const TEMPLATE_DIR = path.join(LAKEFORM_ROOT, 'framework', 'init', 'templates', 'project');

interface LakeformPackage {
  readonly version: string;
  readonly dependencies: Readonly<Record<string, string>>;
  readonly devDependencies?: Readonly<Record<string, string>>;
}

function lakeformPackage(): LakeformPackage {
  return JSON.parse(readFileSync(path.join(LAKEFORM_ROOT, 'package.json'), 'utf8')) as LakeformPackage;
}

type Manifest = Record<string, unknown> & {
  type?: unknown;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
};

/**
 * The project's package.json: lakeform as a dependency, and the zod and TypeScript its job files
 * need. Given the folder's package.json (`npm install lakeform` made one, say), it adds what is
 * missing and changes nothing there: an installed lakeform keeps its version or tarball path.
 */
export function projectManifest(existing: Manifest | undefined, name: string, lakeform: LakeformPackage = lakeformPackage()): Manifest {
  const typescript = lakeform.devDependencies?.typescript ?? lakeform.dependencies.typescript;
  const base: Manifest = existing ?? { name, version: '0.1.0', private: true };
  return {
    ...base,
    type: 'module',
    scripts: { etl: 'etl', test: 'etl test', typecheck: 'tsc --noEmit', ...base.scripts },
    dependencies: { lakeform: `^${lakeform.version}`, zod: lakeform.dependencies.zod, ...base.dependencies },
    ...(typescript ? { devDependencies: { typescript, ...base.devDependencies } } : {}),
  };
}

function existingManifest(file: string): Manifest | undefined {
  if (!existsSync(file)) return undefined;
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  } catch (e) {
    throw new UsageError(`etl init: ${file} is not valid JSON (${(e as Error).message}); nothing was written`, 'fix package.json, or run etl init in an empty folder');
  }
  // Job files and etl.config.ts are ES modules.
  if (manifest.type !== undefined && manifest.type !== 'module') {
    throw new UsageError(`etl init: ${file} has "type": ${JSON.stringify(manifest.type)}; nothing was written`, 'a lakeform project is an ES module package: set "type": "module" (or run etl init in another folder)');
  }
  return manifest;
}

/** An npm package name from a folder name: lower case, the characters npm allows. */
export function packageNameFor(dir: string): string {
  const name = path.basename(path.resolve(dir)).toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[._-]+|-+$/g, '');
  return name || 'etl-project';
}

function templateFiles(dir: string, prefix = ''): NewFile[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => {
      const target = path.join(prefix, e.name.replace(/^dot-/, '.'));
      const source = path.join(dir, e.name);
      return e.isDirectory() ? templateFiles(source, target) : [{ path: target, content: readFileSync(source) }];
    });
}

export interface Scaffold {
  /** The files created, relative to the project folder. */
  readonly created: readonly string[];
  /** Whether an existing package.json was completed rather than created. */
  readonly packageJsonUpdated: boolean;
}

/** Creates the project in `dir` (made if missing). */
export function scaffoldProject(dir: string): Scaffold {
  const packageFile = path.join(dir, 'package.json');
  const existing = existingManifest(packageFile);
  // A package that ships without its template is broken, not the user's project.
  if (!existsSync(TEMPLATE_DIR)) throw new InternalError(`the project template (${TEMPLATE_DIR}) is missing from this installation of lakeform`);
  const files = templateFiles(TEMPLATE_DIR);
  writeNewFiles(dir, files, 'etl init');
  writeFileSync(packageFile, JSON.stringify(projectManifest(existing, packageNameFor(dir)), null, 2) + '\n');
  return { created: [...(existing ? [] : ['package.json']), ...files.map((f) => f.path)], packageJsonUpdated: existing !== undefined };
}
