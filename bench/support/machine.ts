import { readFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';

export interface Machine {
  cpus: number;
  cpuModel: string;
  node: string;
  platform: string;
}

/** The machine a run came from (`nproc`, the CPU model from /proc/cpuinfo, Node's version). */
export function describeMachine(): Machine {
  let cpuModel = cpus()[0]?.model ?? 'unknown';
  try {
    cpuModel = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpuModel;
  } catch {
    // Not Linux: os.cpus() is good enough.
  }
  return {
    cpus: availableParallelism(),
    cpuModel,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}
