/**
 * `etl init`: a new project from the template in templates/project/. The template is a
 * project's real files (its job and config type-check with the framework's own sources, so a
 * change to the DSL that breaks them fails this repository's typecheck); package.json is the
 * one file made here, as it names this lakeform's version. Names starting with `dot-` become
 * dotfiles: npm leaves `.gitignore` out of a package, so the template cannot hold one as such.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot } from '../compile/driver.ts';
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

/** The project's package.json: lakeform as a dependency, and the zod and TypeScript its job files need. */
export function projectPackageJson(name: string, lakeform: LakeformPackage = lakeformPackage()): string {
  const typescript = lakeform.devDependencies?.typescript ?? lakeform.dependencies.typescript;
  const manifest = {
    name,
    version: '0.1.0',
    private: true,
    type: 'module',
    scripts: { etl: 'etl', test: 'etl test', typecheck: 'tsc --noEmit' },
    dependencies: { lakeform: `^${lakeform.version}`, zod: lakeform.dependencies.zod },
    ...(typescript ? { devDependencies: { typescript } } : {}),
  };
  return JSON.stringify(manifest, null, 2) + '\n';
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

/** Creates the project in `dir` (made if missing); returns the files written, relative to it. */
export function scaffoldProject(dir: string): string[] {
  const files = [{ path: 'package.json', content: projectPackageJson(packageNameFor(dir)) }, ...templateFiles(TEMPLATE_DIR)];
  writeNewFiles(dir, files, 'etl init');
  return files.map((f) => f.path);
}
