// A granted host directory in Pyodide's file system: mounted at /data (GRANT_MOUNT) for one call with
// Emscripten's NODEFS, behind guards. Paths are resolved by Emscripten's own file system, never the
// host's: `..` and absolute paths stay inside the sandbox's tree (where the host's files are not), and a
// symlink's target is looked up there too, so a link that points out of the grant finds nothing. The
// guards refuse creating symlinks (a host-side link could point anywhere), and every write when the grant
// is read-only (EROFS). After the call every file it left open on the mount is closed and the mount goes.
import { realpathSync, statSync } from "node:fs";
import { type FileGrant, GRANT_MOUNT } from "./types.ts";

// Emscripten errnos (its ERRNO_CODES).
const EPERM = 63;
const EROFS = 69;
const O_ACCMODE = 3;
const O_CREAT = 64;
const O_TRUNC = 512;
const O_APPEND = 1024;

type Ops = Record<string, (...args: never[]) => unknown>;
interface FsNode {
  mount?: { opts?: { lmosGrant?: FileGrant } };
  node_ops: Ops;
  stream_ops: Ops;
}
interface FsStream {
  node?: FsNode;
  flags: number;
}
/** The parts of Emscripten's FS this file uses. */
export interface EmscriptenFs {
  filesystems: { NODEFS: Record<string, unknown> & { node_ops: Ops; stream_ops: Ops } };
  ErrnoError: new (errno: number) => Error;
  mkdirTree(path: string): void;
  mount(type: unknown, opts: Record<string, unknown>, mountpoint: string): unknown;
  unmount(mountpoint: string): void;
  close(stream: FsStream): void;
  streams: Array<FsStream | null>;
}

/** The guarded NODEFS of one pyodide: `mount(grant)` mounts it, the returned function unmounts it. */
export function grantMounter(FS: EmscriptenFs): (grant: FileGrant) => () => void {
  const NODEFS = FS.filesystems.NODEFS;
  const fail = (errno: number) => () => {
    throw new FS.ErrnoError(errno);
  };
  const writable: Ops = { ...NODEFS.node_ops, symlink: fail(EPERM) };
  const readOnly: Ops = {
    ...writable,
    setattr: fail(EROFS),
    mknod: fail(EROFS),
    rename: fail(EROFS),
    unlink: fail(EROFS),
    rmdir: fail(EROFS),
  };
  const readOnlyStreams: Ops = {
    ...NODEFS.stream_ops,
    open: ((stream: FsStream) => {
      const f = stream.flags;
      if ((f & O_ACCMODE) !== 0 || f & (O_CREAT | O_TRUNC | O_APPEND)) throw new FS.ErrnoError(EROFS);
      return (NODEFS.stream_ops.open as (s: FsStream) => unknown)(stream);
    }) as Ops[string],
    write: fail(EROFS),
    setattr: fail(EROFS),
  };
  const guard = (node: FsNode, grant: FileGrant) => {
    node.node_ops = grant.mode === "rw" ? writable : readOnly;
    if (grant.mode !== "rw") node.stream_ops = readOnlyStreams;
  };
  // Every node NODEFS makes below a granted mount gets the guarded operations.
  const createNode = NODEFS.createNode as (parent: FsNode | null, ...rest: unknown[]) => FsNode;
  NODEFS.createNode = (parent: FsNode | null, ...rest: unknown[]) => {
    const node = createNode(parent, ...rest);
    const grant = parent?.mount?.opts?.lmosGrant;
    if (grant) guard(node, grant);
    return node;
  };
  const GRANTFS = {
    mount(m: { opts: { lmosGrant: FileGrant } }) {
      const root = (NODEFS.mount as (m: unknown) => FsNode)(m);
      guard(root, m.opts.lmosGrant);
      return root;
    },
  };
  FS.mkdirTree(GRANT_MOUNT);

  return (grant) => {
    // The mount's root is the directory itself, never a symlink the host may later re-point.
    const root = realpathSync(grant.hostPath);
    if (!statSync(root).isDirectory()) throw new Error(`${grant.hostPath} is not a directory`);
    FS.mount(GRANTFS, { root, lmosGrant: { ...grant, hostPath: root } }, GRANT_MOUNT);
    return () => {
      for (const stream of FS.streams) {
        if (stream?.node?.mount?.opts?.lmosGrant) {
          try {
            FS.close(stream);
          } catch {}
        }
      }
      FS.unmount(GRANT_MOUNT);
    };
  };
}
