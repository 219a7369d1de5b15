import { ForgeError } from '../engine/errors.js';

// Operating-system failures (disk full, permissions, read-only disks, bad paths, too many open
// files) are not bugs in forge: they become ForgeErrors naming the path, the cause in words and its
// code, with a fix. Node's fs errors carry code/syscall/path; DuckDB's carry only a message.

const CAUSES: Record<string, { cause: string; fix: string }> = {
  ENOSPC: { cause: 'no space left on device', fix: 'free disk space (or use --home on a larger disk), then retry' },
  EDQUOT: { cause: 'disk quota exceeded', fix: 'free space within your quota, then retry' },
  EACCES: { cause: 'permission denied', fix: 'check the permissions of that path, or use a --home you can write to' },
  EPERM: {
    cause: 'operation not permitted',
    fix: 'check the permissions of that path, or use a --home you can write to',
  },
  EROFS: { cause: 'read-only file system', fix: 'use a --home on a writable disk' },
  ENOTDIR: {
    cause: 'a part of the path is a file, not a folder',
    fix: 'check the path (and --home): every part but the last must be a folder',
  },
  EISDIR: { cause: 'it is a folder, not a file', fix: 'give the path of a file' },
  ENAMETOOLONG: { cause: 'the path or a name in it is too long', fix: 'use a shorter path (and --home)' },
  EMFILE: { cause: 'too many open files in this process', fix: 'raise the limit (ulimit -n) or use fewer --workers' },
  ENFILE: { cause: 'too many open files on this system', fix: 'close other programs or raise the system limit' },
  ENOENT: { cause: 'no such file or folder', fix: 'check the path (relative paths are from the current folder)' },
  ELOOP: { cause: 'too many symbolic links', fix: 'check the symbolic links in the path' },
  EIO: { cause: 'input/output error', fix: 'the disk reported an error; check it' },
  EBUSY: { cause: 'resource busy', fix: 'retry when the other program is done with it' },
  ENOTEMPTY: { cause: 'folder not empty', fix: 'remove or move that folder' },
  EEXIST: { cause: 'already exists', fix: 'remove or move it' },
};

const VERBS: Record<string, string> = {
  open: 'open',
  read: 'read',
  write: 'write',
  fsync: 'write',
  close: 'close',
  mkdir: 'create the folder',
  rename: 'rename',
  unlink: 'remove',
  rmdir: 'remove',
  rm: 'remove',
  scandir: 'list',
  stat: 'read',
  lstat: 'read',
  realpath: 'resolve',
  copyfile: 'copy',
  access: 'access',
  chmod: 'change',
  mkdtemp: 'create a folder in',
};

/** Message text for Node's errno errors ("ENOSPC: no space left on device, write") and DuckDB's. */
const MESSAGE_CODES: [RegExp, string][] = [
  [/No space left on device|ENOSPC/i, 'ENOSPC'],
  [/Disk quota exceeded|EDQUOT/i, 'EDQUOT'],
  [/Read-only file system|EROFS/i, 'EROFS'],
  [/Permission denied|EACCES/i, 'EACCES'],
  [/Not a directory|ENOTDIR/i, 'ENOTDIR'],
  [/Is a directory|EISDIR/i, 'EISDIR'],
  [/File name too long|ENAMETOOLONG/i, 'ENAMETOOLONG'],
  [/Too many open files|EMFILE/i, 'EMFILE'],
];

interface Errno {
  code?: unknown;
  syscall?: unknown;
  path?: unknown;
  dest?: unknown;
  message?: unknown;
}

/** A ForgeError for an OS failure, or null when `err` is not one (then it is a bug, or already a ForgeError). */
export function osErrorToForge(err: unknown, context?: { verb?: string; path?: string }): ForgeError | null {
  if (err instanceof ForgeError || typeof err !== 'object' || err === null) return null;
  const e = err as Errno;
  const message = typeof e.message === 'string' ? e.message : '';
  let code = typeof e.code === 'string' && e.code in CAUSES ? e.code : undefined;
  if (code === undefined && isDuckDbIo(message)) code = MESSAGE_CODES.find(([re]) => re.test(message))?.[1] ?? 'EIO';
  if (code === undefined) return null;
  const { cause, fix } = CAUSES[code];
  const where = context?.path ?? (typeof e.path === 'string' ? e.path : undefined) ?? quotedPath(message);
  const verb = context?.verb ?? (typeof e.syscall === 'string' ? (VERBS[e.syscall] ?? e.syscall) : 'write');
  const target = where === undefined ? '' : ` ${where}${typeof e.dest === 'string' ? ` to ${e.dest}` : ''}`;
  // DuckDB's own text says which operation failed; Node's repeats what is already said.
  const detail = isDuckDbIo(message) ? `: ${message}` : '';
  return new ForgeError(`cannot ${verb}${target}: ${cause} (${code})${detail}`, fix, `E_OS_${code}`);
}

/** Rethrows `err` as a clear ForgeError when it is an OS failure; for wrapping one file operation. */
export function osError(err: unknown, verb: string, file: string): unknown {
  return osErrorToForge(err, { verb, path: file }) ?? err;
}

function isDuckDbIo(message: string): boolean {
  return (
    /^IO Error:/.test(message) ||
    (/^(TransactionContext|FATAL|Invalid Input) Error:/.test(message) && MESSAGE_CODES.some(([re]) => re.test(message)))
  );
}

function quotedPath(message: string): string | undefined {
  return /"([^"]+)"/.exec(message)?.[1] ?? /'([^']+)'/.exec(message)?.[1];
}
