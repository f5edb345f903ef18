// Module resolution hook for the `etl` process: job files import 'lakeform'; inside the CLI
// that must be the CLI's own bundle, not a second copy of the framework's sources.
let bundleUrl;

export function initialize(data) {
  bundleUrl = data.bundleUrl;
}

export async function resolve(specifier, context, next) {
  if (specifier === 'lakeform') return { url: bundleUrl, format: 'module', shortCircuit: true };
  return next(specifier, context);
}
