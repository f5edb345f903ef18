/**
 * The AWS SDK warns, once per process, that its releases after January 2027 will need Node 22.
 * lakeform promises Node 20 (package.json engines), so the warning says nothing a user can act
 * on: drop exactly that warning, and let every other one through. Plain JavaScript, because
 * bin.js installs it before the bundled CLI loads (and the test setup installs it too).
 */
export function hideAwsSdkNodeVersionWarning() {
  const emitWarning = process.emitWarning;
  process.emitWarning = function emitWarningExceptAwsSdkNodeVersion(warning, ...rest) {
    const text = typeof warning === 'string' ? warning : warning?.message;
    // The SDK's text: 'NodeVersionSupportWarning: The AWS SDK for JavaScript (v3) ...' (@aws-sdk/core, emitWarningIfUnsupportedVersion).
    if (typeof text === 'string' && text.startsWith('NodeVersionSupportWarning:')) return;
    return emitWarning.call(process, warning, ...rest);
  };
}
