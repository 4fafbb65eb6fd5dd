import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface EmulatorProcess {
  url: string;
  stats(): Promise<{ requestsByAction: Record<string, number>; throttledByAction: Record<string, number>; maxInFlightByAction: Record<string, number> }>;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

const MAIN = fileURLToPath(new URL('../emulator/main.ts', import.meta.url));

/**
 * Starts the emulator in a process of its own, so that serving requests does not share an event loop
 * with the scan being measured; returns once it prints its URL.
 */
export async function startEmulatorProcess(args: string[]): Promise<EmulatorProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', '--max-old-space-size=8192', MAIN, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => resolve(line.trim()));
    child.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
  });
  return {
    url,
    stats: async () => (await fetch(`${url}/__emulator/stats`)).json() as never,
    reset: async () => void (await fetch(`${url}/__emulator/reset`, { method: 'POST' })),
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
