import { builtin } from '../builtin.js';
import { readFileSync, readlinkSync } from 'node:fs';

/** How a process is identified beyond its pid, so that a reused pid is recognised. */
export interface ProcessStart {
  /** Opaque, exact token: equal tokens mean the same process (given the same host and boot). */
  token: string;
  /** Wall-clock start time in ms since the epoch; precise to about a second. */
  epochMs: number;
}

const isLinux = process.platform === 'linux';
// USER_HZ is part of the Linux user-space ABI and is 100 on every architecture Node supports.
const linuxTicksPerSecond = 100;

// pid_t is a signed 32-bit integer: no kernel hands out a larger pid.
const maxPid = 2 ** 31 - 1;

let cachedBootTimeMs: number | undefined;
let cachedBootId: string | null | undefined;
let cachedPidNamespace: string | null | undefined;

let cachedHost: string | undefined;
let cachedOwnStart: ProcessStart | undefined;

/**
 * The host name written into records and compared when judging them; asked once per run. On
 * Linux the kernel's own copy, the name `os.hostname()` returns (gethostname(2) reads the same
 * field of this UTS namespace): loading `node:os` cost a lock command more than reading it.
 */
export function currentHost(): string {
  return (cachedHost ??= (isLinux && linuxHostName()) || builtin('node:os').hostname());
}

function linuxHostName(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/hostname', 'utf8').replace(/\n$/, '') || undefined;
  } catch {
    return undefined;
  }
}

/**
 * An identifier of the current boot of this machine, or null when the platform has none we can
 * read cheaply. Records from the same host with a different boot id belong to a dead process.
 */
export function currentBootId(): string | null {
  if (cachedBootId !== undefined) return cachedBootId;
  cachedBootId = null;
  try {
    if (isLinux) cachedBootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    else if (process.platform !== 'win32') {
      const out = builtin('node:child_process').execFileSync('sysctl', ['-n', 'kern.boottime'], {
        encoding: 'utf8',
      });
      const sec = /sec = (\d+)/.exec(out)?.[1];
      if (sec) cachedBootId = `boottime:${sec}`;
    }
  } catch {
    cachedBootId = null;
  }
  return cachedBootId;
}

/**
 * The pid namespace this process sees pids in (the inode of `/proc/self/ns/pid`), or null where
 * there is none to read. Processes in other namespaces (containers, `unshare --pid`) on the same
 * host and boot see other pids, so a pid from there says nothing about the process here.
 */
export function currentPidNamespace(): string | null {
  if (cachedPidNamespace !== undefined) return cachedPidNamespace;
  cachedPidNamespace = null;
  try {
    if (isLinux) {
      cachedPidNamespace = /^pid:\[(\d+)\]$/.exec(readlinkSync('/proc/self/ns/pid'))?.[1] ?? null;
    }
  } catch {
    // No /proc to read: every record counts as from this namespace, as Python counts them.
  }
  return cachedPidNamespace;
}

/**
 * When the process `pid` started, or undefined when it does not exist or cannot be read.
 * Linux reads `/proc/<pid>/stat`; other POSIX systems ask `ps`.
 */
export function processStart(pid: number): ProcessStart | undefined {
  // This process's own start never changes, and acquire and release each ask for it.
  if (pid === process.pid) return (cachedOwnStart ??= readProcessStart(pid));
  return readProcessStart(pid);
}

function readProcessStart(pid: number): ProcessStart | undefined {
  try {
    return isLinux ? linuxProcessStart(pid) : psEntry(pid)?.start;
  } catch {
    return undefined;
  }
}

function linuxProcessStart(pid: number): ProcessStart | undefined {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces and parentheses; fields resume after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = fields[19]; // field 22 overall: starttime, in clock ticks since boot
  if (ticks === undefined || !/^\d+$/.test(ticks)) return undefined;
  return {
    token: `linux:${ticks}`,
    epochMs: linuxBootTimeMs() + (Number(ticks) * 1000) / linuxTicksPerSecond,
  };
}

function linuxBootTimeMs(): number {
  if (cachedBootTimeMs === undefined) {
    const btime = /^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1];
    cachedBootTimeMs = Number(btime) * 1000;
  }
  return cachedBootTimeMs;
}

/** One row of `ps`: the parent and the start of a process. */
export interface PsEntry {
  ppid: number;
  start: ProcessStart;
}

// Without /proc every question costs a `ps` process; a guard run judges each record and walks
// its own ancestry, so one table serves all the questions asked within this window.
const psTableTtlMs = 250;
let psCache: { at: number; table: Map<number, PsEntry> } | undefined;

/**
 * Every process with its parent and start time, from a single `ps -A` (POSIX systems without
 * /proc, such as macOS). `lstart` is second-precise and identical for the same process.
 */
export function readPsTable(): Map<number, PsEntry> {
  const out = builtin('node:child_process').execFileSync('ps', ['-A', '-o', 'pid=,ppid=,lstart='], {
    encoding: 'utf8',
    env: { LC_ALL: 'C', PATH: process.env.PATH ?? '/usr/bin:/bin' },
    stdio: ['ignore', 'pipe', 'ignore'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const table = new Map<number, PsEntry>();
  for (const line of out.split('\n')) {
    const match = /^\s*(\d+)\s+(\d+)\s+(\S.*?)\s*$/.exec(line);
    if (!match) continue;
    const epochMs = Date.parse(match[3]!);
    if (Number.isNaN(epochMs)) continue;
    table.set(Number(match[1]), {
      ppid: Number(match[2]),
      start: { token: `ps:${match[3]}`, epochMs },
    });
  }
  return table;
}

function psEntry(pid: number): PsEntry | undefined {
  const now = Date.now();
  if (!psCache || now - psCache.at > psTableTtlMs) psCache = { at: now, table: readPsTable() };
  return psCache.table.get(pid);
}

/**
 * Whether a process with this pid exists. Only ESRCH proves absence; EPERM (it exists but belongs
 * to someone else) and anything unexpected count as alive, as in the Python original. A number no
 * process can have (anything but a whole number from 1 to 2^31 - 1) does not exist: `kill` is not
 * asked, as Node rejects such pids with an error that is not ESRCH.
 */
export function pidExists(pid: number): boolean {
  if (!Number.isInteger(pid) || pid < 1 || pid > maxPid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** The parent pid of a process, or undefined when it cannot be read. */
export function parentPid(pid: number): number | undefined {
  try {
    if (!isLinux) return psEntry(pid)?.ppid;
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ppid = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1];
    return ppid === undefined ? undefined : Number(ppid);
  } catch {
    return undefined;
  }
}
