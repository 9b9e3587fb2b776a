// `npm run mutation`: applies every mutant of bench/mutation/mutants.ts, one at a time, to a copy of the
// project and runs the tests of the mutant's folder on it. A mutant the tests fail on is killed; one they
// pass on survived. Prints the score per folder and every survivor (with its explanation when the list
// gives one), and writes reports/mutation.json. Exit code 1 when a mutant survived unexplained, is stale
// (its code is no longer in the file) or the tests fail without any mutant.
//   node bench/mutation/run.ts [--only <id,...>] [--folder <name>] [--workers 2] [--json]
//
// Why a curated list rather than StrykerJS: Stryker works with this repository's ESM jest, but generates
// ~2,200 mutants for these four folders and, with the integration tests they need, needed an estimated
// 4–5 hours on a 2-core machine (measured on 2026-11-29). The list holds the mutants that matter (removed
// conditions, flipped operators, changed limits, dropped calls) and runs in minutes.
import { spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { execFileSync } from 'node:child_process';
import { MUTANTS, TEST_SETS, type Mutant, type TestSet } from './mutants.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

type Status = 'killed' | 'timeout' | 'survived' | 'stale';
interface Outcome {
  id: string;
  folder: string;
  file: string;
  description: string;
  status: Status;
  seconds: number;
  survives?: string;
}

const { values: flags } = parseArgs({
  options: {
    only: { type: 'string' },
    folder: { type: 'string' },
    workers: { type: 'string', default: '2' },
    json: { type: 'boolean', default: false },
  },
});

const selected = MUTANTS.filter(
  (m) =>
    (flags.only === undefined || flags.only.split(',').includes(m.id)) &&
    (flags.folder === undefined || m.folder === flags.folder),
);
if (selected.length === 0) {
  console.error('no mutant selected');
  process.exit(2);
}
const started = Date.now();
const workers = Math.max(1, Number(flags.workers) || 1);
const base = mkdtempSync(join(tmpdir(), 'crm-sync-mutation-'));
const copies = Array.from({ length: Math.min(workers, selected.length) }, (_, n) =>
  copyProject(join(base, `w${n}`)),
);

try {
  const sets = [...new Set(selected.map((m) => m.tests))];
  const baseline = new Map<TestSet, number>();
  for (const set of sets) {
    const result = await runTests(copies[0]!, set, 30 * 60_000, true);
    if (result.code !== 0) {
      console.error(result.output.slice(-4_000));
      console.error(`the tests of "${set}" fail without any mutant: fix them first`);
      process.exitCode = 1;
      throw new Error('baseline failed');
    }
    baseline.set(set, result.ms);
    log(`baseline ${set}: ${(result.ms / 1000).toFixed(0)} s`);
  }

  const queue = [...selected];
  const outcomes: Outcome[] = [];
  await Promise.all(
    copies.map(async (copy) => {
      for (let mutant = queue.shift(); mutant !== undefined; mutant = queue.shift()) {
        const outcome = await runMutant(copy, mutant, baseline.get(mutant.tests)!);
        outcomes.push(outcome);
        log(`${outcome.status.padEnd(8)} ${mutant.id} (${outcome.seconds} s)`);
      }
    }),
  );
  outcomes.sort((a, b) => MUTANTS.indexOf(byId(a.id)) - MUTANTS.indexOf(byId(b.id)));
  const report = summarise(outcomes, Date.now() - started);
  mkdirSync(join(ROOT, 'reports'), { recursive: true });
  writeFileSync(join(ROOT, 'reports/mutation.json'), `${JSON.stringify(report, null, 2)}\n`);
  if (flags.json) console.log(JSON.stringify(report, null, 2));
  else printReport(report);
  const unexplained = outcomes.filter(
    (o) => (o.status === 'survived' && !o.survives) || o.status === 'stale',
  );
  if (unexplained.length > 0) process.exitCode = 1;
} finally {
  rmSync(base, { recursive: true, force: true });
}

function byId(id: string): Mutant {
  return MUTANTS.find((m) => m.id === id)!;
}

/** The project's files (tracked and new, not ignored) in `dir`, with `node_modules` linked. */
function copyProject(dir: string): string {
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: ROOT })
    .toString()
    .split('\0')
    .filter((f) => f !== '' && existsSync(join(ROOT, f)));
  for (const file of files) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    cpSync(join(ROOT, file), join(dir, file));
  }
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

async function runMutant(copy: string, mutant: Mutant, baselineMs: number): Promise<Outcome> {
  const path = join(copy, mutant.file);
  const original = readFileSync(path, 'utf8');
  const common = {
    id: mutant.id,
    folder: mutant.folder,
    file: mutant.file,
    description: mutant.description,
    ...(mutant.survives !== undefined && { survives: mutant.survives }),
  };
  const at = original.indexOf(mutant.find);
  if (at < 0 || original.indexOf(mutant.find, at + 1) >= 0) return { ...common, status: 'stale', seconds: 0 };
  writeFileSync(path, original.slice(0, at) + mutant.replace + original.slice(at + mutant.find.length));
  try {
    // A mutant that makes the tests hang is killed by the timeout (it is detected, as in StrykerJS).
    const result = await runTests(copy, mutant.tests, Math.max(60_000, 3 * baselineMs));
    const status: Status = result.timedOut ? 'timeout' : result.code === 0 ? 'survived' : 'killed';
    return { ...common, status, seconds: Math.round(result.ms / 1000) };
  } finally {
    writeFileSync(path, original);
  }
}

function runTests(
  cwd: string,
  set: TestSet,
  timeoutMs: number,
  keepOutput = false,
): Promise<{ code: number | null; ms: number; timedOut: boolean; output: string }> {
  const { paths, ignore = [] }: { paths: readonly string[]; ignore?: readonly string[] } = TEST_SETS[set];
  const args = [
    '--experimental-vm-modules',
    '--no-warnings=ExperimentalWarning',
    'node_modules/jest/bin/jest.js',
    '--ci',
    ...(keepOutput ? [] : ['--silent']),
    '--bail',
    '--maxWorkers=1',
    ...paths,
    // Last: the option takes every argument after it.
    ...(ignore.length > 0 ? ['--testPathIgnorePatterns', ...ignore] : []),
  ];
  const begun = Date.now();
  return new Promise((done) => {
    // Its own process group, so a hung run can be ended with everything it started.
    const child = spawn(process.execPath, args, {
      cwd,
      detached: true,
      stdio: ['ignore', keepOutput ? 'pipe' : 'ignore', keepOutput ? 'pipe' : 'ignore'],
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      done({ code, ms: Date.now() - begun, timedOut, output });
    });
  });
}

interface Report {
  date: string;
  minutes: number;
  folders: Array<{ folder: string; mutants: number; killed: number; survived: number; score: number }>;
  total: { mutants: number; killed: number; score: number };
  survivors: Outcome[];
  stale: Outcome[];
  outcomes: Outcome[];
}

function summarise(outcomes: Outcome[], ms: number): Report {
  const scored = outcomes.filter((o) => o.status !== 'stale');
  const detected = (list: Outcome[]) => list.filter((o) => o.status === 'killed' || o.status === 'timeout');
  const score = (list: Outcome[]) =>
    list.length === 0 ? 0 : Math.round((1000 * detected(list).length) / list.length) / 10;
  const folders = [...new Set(scored.map((o) => o.folder))].map((folder) => {
    const list = scored.filter((o) => o.folder === folder);
    return {
      folder,
      mutants: list.length,
      killed: detected(list).length,
      survived: list.length - detected(list).length,
      score: score(list),
    };
  });
  return {
    date: new Date().toISOString(),
    minutes: Math.round(ms / 6_000) / 10,
    folders,
    total: { mutants: scored.length, killed: detected(scored).length, score: score(scored) },
    survivors: scored.filter((o) => o.status === 'survived'),
    stale: outcomes.filter((o) => o.status === 'stale'),
    outcomes,
  };
}

function printReport(report: Report): void {
  console.log(`\nMutation score (${report.minutes} min)`);
  console.log('folder            mutants  killed  score');
  for (const f of report.folders)
    console.log(
      `${f.folder.padEnd(16)}  ${String(f.mutants).padStart(7)}  ${String(f.killed).padStart(6)}  ${f.score}%`,
    );
  const t = report.total;
  console.log(
    `${'all'.padEnd(16)}  ${String(t.mutants).padStart(7)}  ${String(t.killed).padStart(6)}  ${t.score}%`,
  );
  if (report.survivors.length > 0) {
    console.log('\nSurvivors:');
    for (const s of report.survivors)
      console.log(
        `- ${s.id} (${s.file}): ${s.description}\n    ${s.survives ?? 'UNEXPLAINED: kill it with a test, or explain it in mutants.ts'}`,
      );
  }
  if (report.stale.length > 0) {
    console.log('\nStale (the code they change is no longer in the file; update mutants.ts):');
    for (const s of report.stale) console.log(`- ${s.id} (${s.file})`);
  }
}

function log(line: string): void {
  if (!flags.json) console.log(line);
}
