// The sandbox's public face for main.ts: start everything, or learn why it cannot start.
export { runSandbox, SandboxError, SANDBOX_KEY_PREFIX, type RunningSandbox, type SandboxOptions } from './start.js';
