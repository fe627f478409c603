/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): the functions with the most self time,
 * and the share of time per package (node_modules/<pkg>, the gateway's own code, node internals).
 *
 * Usage: node -r ts-node/register/transpile-only bench/profile-summary.ts <file.cpuprofile> [top]
 */
import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
}

interface CpuProfile {
  startTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  name: string;
  where: string;
  ms: number;
  share: number;
}

export interface ProfileSummary {
  totalMs: number;
  idleShare: number;
  functions: SelfTime[];
  packages: { name: string; ms: number; share: number }[];
}

function packageOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const modules = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url);
  if (modules !== null) return modules[1];
  if (url.startsWith('node:')) return 'node internals';
  if (/\/dist\/(apps|libs)\//.test(url)) return 'gateway code';
  return url.replace(/^file:\/\//, '');
}

/**
 * @param fromUs only samples at or after this monotonic time (µs, the clock of
 *   `process.hrtime.bigint()` and of the profile's startTime) count: skips the start-up.
 */
export function summariseProfile(profile: CpuProfile, top = 25, fromUs = 0): ProfileSummary {
  const byId = new Map<number, ProfileNode>();
  for (const node of profile.nodes) byId.set(node.id, node);
  const selfUs = new Map<number, number>();
  let at = profile.startTime;
  profile.samples.forEach((id, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    at += delta;
    if (at >= fromUs) selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
  });
  const functions = new Map<string, { name: string; where: string; us: number }>();
  const packages = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)?.callFrame;
    if (frame === undefined) continue;
    total += us;
    if (frame.functionName === '(idle)') {
      idle += us;
      continue;
    }
    const where =
      frame.url === ''
        ? ''
        : `${frame.url.replace(/^.*\/(node_modules|dist)\//, '$1/')}:${frame.lineNumber + 1}`;
    const name = frame.functionName || '(anonymous)';
    const key = `${name} ${where}`;
    const entry = functions.get(key) ?? { name, where, us: 0 };
    entry.us += us;
    functions.set(key, entry);
    const pkg = packageOf(frame.url, frame.functionName);
    packages.set(pkg, (packages.get(pkg) ?? 0) + us);
  }
  const busy = total - idle || 1;
  return {
    totalMs: total / 1000,
    idleShare: idle / (total || 1),
    functions: [...functions.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((f) => ({ name: f.name, where: f.where, ms: f.us / 1000, share: f.us / busy })),
    packages: [...packages.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: us / 1000, share: us / busy })),
  };
}

export function formatSummary(summary: ProfileSummary): string {
  const pct = (share: number): string => `${(share * 100).toFixed(1).padStart(5)}%`;
  const lines = [
    `profile: ${summary.totalMs.toFixed(0)} ms sampled, ${pct(summary.idleShare)} idle; shares below are of busy time`,
    '',
    'top self time by function:',
    ...summary.functions.map(
      (f) => `  ${pct(f.share)} ${f.ms.toFixed(0).padStart(7)} ms  ${f.name}  ${f.where}`,
    ),
    '',
    'self time by package:',
    ...summary.packages.map(
      (p) => `  ${pct(p.share)} ${p.ms.toFixed(0).padStart(7)} ms  ${p.name}`,
    ),
  ];
  return lines.join('\n');
}

if (require.main === module) {
  const file = process.argv[2];
  if (file === undefined) {
    process.stderr.write('usage: profile-summary <file.cpuprofile> [top]\n');
    process.exit(2);
  }
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  process.stdout.write(
    `${formatSummary(summariseProfile(profile, Number(process.argv[3] ?? 25)))}\n`,
  );
}
