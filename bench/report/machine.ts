import os from 'node:os';

/** The machine a benchmark ran on, as every report records it. */
export interface Machine {
  os: string;
  arch: string;
  cpus: number;
  cpuModel: string;
  memoryBytes: number;
}

export function describeMachine(): Machine {
  const cpus = os.cpus();
  return {
    os: `${os.type()} ${os.release()}`,
    arch: os.arch(),
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    memoryBytes: os.totalmem(),
  };
}
