/** Types of bundle.js (plain JavaScript: bin.js runs it before any TypeScript can be loaded). */
export function bundleFramework(options: { root: string; entryPoints: Record<string, string>; outdir: string }): Promise<void>;
