// The sandbox's public face for main.ts: start everything, or learn why it cannot start.
export { runSandbox, SandboxError, type RunningSandbox } from './start.js';
