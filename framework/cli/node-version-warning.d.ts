/** Drops the AWS SDK's Node-version warning from this process's warnings (see node-version-warning.js). */
export function hideAwsSdkNodeVersionWarning(): void;
