import { cpuMilliseconds } from '../cold-start/measure.ts';
import type { CpuPerAnswer } from './rounds.ts';
import type { ServerProcess } from './server-process.ts';

/**
 * Starts reading the CPU time of every process on the machine that the benchmark can read
 * (its threads', from /proc; the benchmark's own from process.cpuUsage); the function it
 * returns gives each one's time since, per answer.
 */
export async function cpuMeter(processes: {
  server: ServerProcess | undefined;
  pids: { mongo: number | undefined; ollama: number | undefined };
}): Promise<(answers: number) => Promise<CpuPerAnswer>> {
  const read = (pid: number | undefined) => (pid === undefined ? undefined : cpuMilliseconds(pid));
  const readAll = () =>
    Promise.all([processes.server?.cpuMs(), read(processes.pids.mongo), read(processes.pids.ollama)]);
  const before = await readAll();
  const ownBefore = process.cpuUsage();
  return async (answers) => {
    const own = process.cpuUsage(ownBefore);
    const after = await readAll();
    const perAnswer = (index: number) => {
      const [start, end] = [before[index], after[index]];
      return start === undefined || end === undefined || !answers ? null : (end - start) / answers;
    };
    return {
      cpuMsPerRequest: perAnswer(0),
      databaseCpuMsPerRequest: perAnswer(1),
      modelCpuMsPerRequest: perAnswer(2),
      loadGeneratorCpuMsPerRequest: answers ? (own.user + own.system) / 1000 / answers : 0,
    };
  };
}

export function describeCpu(cpu: CpuPerAnswer): string {
  const parts = [
    ['server', cpu.cpuMsPerRequest],
    ['database', cpu.databaseCpuMsPerRequest],
    ['model', cpu.modelCpuMsPerRequest],
    ['load generator', cpu.loadGeneratorCpuMsPerRequest],
  ] as const;
  const known = parts.flatMap(([name, ms]) => (ms === null ? [] : [`${name} ${ms.toFixed(2)}`]));
  return `CPU ms per answer: ${known.join(', ')}`;
}
