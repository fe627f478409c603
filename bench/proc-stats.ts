import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Clock ticks per second for /proc/<pid>/stat utime/stime (`getconf CLK_TCK`, 100 on Linux). */
export function clockTicksPerSecond(): number {
  try {
    const value = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isFinite(value) && value > 0 ? value : 100;
  } catch {
    return 100;
  }
}

/** utime + stime of a process (all its threads), in clock ticks. */
export function readCpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) is in parentheses and may contain spaces: split after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the name, fields start at 3 (state); utime is field 14 and stime field 15.
  const utime = Number(fields[14 - 3]);
  const stime = Number(fields[15 - 3]);
  return utime + stime;
}

export interface MemorySample {
  /** current resident set size, bytes */
  rssBytes: number;
  /** peak resident set size over the process's life (VmHWM), bytes */
  peakRssBytes: number;
}

export function readMemory(pid: number): MemorySample {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string): number => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
    return match === null ? 0 : Number(match[1]) * 1024;
  };
  return { rssBytes: kb('VmRSS'), peakRssBytes: kb('VmHWM') };
}

function cpuTimes(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already inside user/nice)
  const total = values.slice(0, 8).reduce((sum, value) => sum + value, 0);
  const idle = values[3] + values[4];
  return { busy: total - idle, total };
}

/** Fraction of all CPUs busy over `ms` (0..1): to warn when other work disturbs the benchmark. */
export async function systemBusyFraction(ms = 1000): Promise<number> {
  const before = cpuTimes();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const after = cpuTimes();
  const total = after.total - before.total;
  return total > 0 ? (after.busy - before.busy) / total : 0;
}
