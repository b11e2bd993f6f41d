namespace ZkSync.LocalCluster.Kubelet.Runtime;

/// <summary>
/// The scripts the runtime runs its namespaces with. The container helper is Python because one process can
/// then do what a container start takes (enter the pod's namespaces, make the container's own, mount its
/// root, volumes, /proc and /dev, switch user, exec) without one util-linux process per step; it reads its
/// <see cref="ContainerLaunchSpec"/> as JSON on stdin, so no secret goes through argv.
/// </summary>
internal static class SandboxScripts
{
    /// <summary>File name of the container helper in the runtime's directory.</summary>
    public const string ContainerHelperFileName = "container-helper.py";

    /// <summary>
    /// The pod's first process, run by <c>unshare --pid --fork --uts --ipc</c>: sets the hostname in the pod's
    /// UTS namespace, reports its host PID (<c>ready PID</c>), then reaps orphans as PID 1 until killed.
    /// Arguments: hostname, then the pod directory (unused, it names the process's pod in ps).
    /// </summary>
    public const string PodInit = """
        printf '%s' "$1" > /proc/sys/kernel/hostname || exit 1
        while read -r key value; do
          case $key in NSpid:) set -- $value; printf 'ready %s\n' "$1"; break;; esac
        done < /proc/self/status
        exec </dev/null >/dev/null 2>&1
        while :; do sleep 2147483647 & wait; done
        """;

    /// <summary>
    /// The container helper: P1 (host PID namespace) enters the pod's IPC, UTS and PID namespaces and forks;
    /// P1' (pod's PID namespace) makes the container's mount namespace (and PID namespace unless shared) and
    /// forks; P2 builds the root, prints <c>started HOSTPID</c> on stdout, and execs the program. P1 and P1'
    /// wait and exit as the container did (128+n for signal n); setup errors go to the spec's error file.
    /// </summary>
    public const string ContainerHelper = """"
        """Starts one container of a pod sandbox (see ContainerProcess.cs); reads its JSON spec on stdin."""
        import ctypes
        import errno
        import json
        import os
        import signal
        import stat
        import sys

        CLONE_NEWNS = 0x00020000
        CLONE_NEWUTS = 0x04000000
        CLONE_NEWIPC = 0x08000000
        CLONE_NEWPID = 0x20000000
        MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
        MS_REMOUNT, MS_NOATIME, MS_NODIRATIME = 32, 1024, 2048
        MS_BIND, MS_REC, MS_PRIVATE, MS_RELATIME = 4096, 16384, 1 << 18, 1 << 21
        ST_TO_MS = ((os.ST_NOSUID, MS_NOSUID), (os.ST_NODEV, MS_NODEV), (os.ST_NOEXEC, MS_NOEXEC),
                    (os.ST_NOATIME, MS_NOATIME), (os.ST_NODIRATIME, MS_NODIRATIME), (os.ST_RELATIME, MS_RELATIME))
        PR_SET_PDEATHSIG, PR_SET_NO_NEW_PRIVS = 1, 38
        FAILED = 128  # what containerd reports for a container that could not start

        libc = ctypes.CDLL(None, use_errno=True)
        libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p]
        libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]


        class SetupError(Exception):
            def __init__(self, message, error=0):
                super().__init__(message)
                self.errno = error


        def call(result, what):
            if result != 0:
                error = ctypes.get_errno()
                raise SetupError(f"{what}: {os.strerror(error)}", error)


        def encode(value):
            return None if value is None else os.fsencode(value)


        def mount(source, target, fstype, flags, data, what):
            call(libc.mount(encode(source), encode(target), encode(fstype), flags, encode(data)), what)


        def remount_read_only(target):
            # A bind remount replaces the flags: keep the ones the mount has (nosuid, nodev...).
            kept = os.statvfs(target).f_flag
            flags = MS_REMOUNT | MS_BIND | MS_RDONLY
            for st_flag, ms_flag in ST_TO_MS:
                if kept & st_flag:
                    flags |= ms_flag
            mount(None, target, None, flags, None, f"cannot make {target} read-only")


        def resolve_in_root(root, path):
            """The path the container sees at `path`: symbolic links followed inside `root`, never out of it."""
            pending = [p for p in path.split("/") if p]
            resolved = []
            links = 0
            missing = False
            while pending:
                part = pending.pop(0)
                if part == ".":
                    continue
                if part == "..":
                    if resolved:
                        resolved.pop()
                    continue
                if not missing:
                    candidate = root + "/" + "/".join(resolved + [part])
                    try:
                        mode = os.lstat(candidate).st_mode
                    except FileNotFoundError:
                        missing = True
                    else:
                        if stat.S_ISLNK(mode):
                            links += 1
                            if links > 40:
                                raise SetupError(f"too many levels of symbolic links in {path}")
                            target = os.readlink(candidate)
                            if target.startswith("/"):
                                resolved = []
                            pending = [p for p in target.split("/") if p] + pending
                            continue
                resolved.append(part)
            return "/" + "/".join(resolved)


        def make_directories(root, path):
            current = root
            for part in [p for p in path.split("/") if p]:
                current += "/" + part
                try:
                    os.mkdir(current, 0o755)
                except FileExistsError:
                    if not os.path.isdir(current):
                        raise SetupError(f"{current[len(root):]} exists and is not a directory")


        def make_mount_point(root, path, is_file):
            resolved = resolve_in_root(root, path)
            if not is_file:
                make_directories(root, resolved)
                return root + resolved
            parent, _, _ = resolved.rpartition("/")
            make_directories(root, parent)
            target = root + resolved
            if not os.path.lexists(target):
                os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644))
            return target


        def add_host_layer(stage, index, host, path, target):
            if host["mode"] == "overlay":
                upper, work = f"{stage}/{index}.upper", f"{stage}/{index}.work"
                os.mkdir(upper)
                os.mkdir(work)
                try:
                    mount("overlay", target, "overlay", 0, f"lowerdir={path},upperdir={upper},workdir={work}",
                          f"cannot mount an overlay of {path}")
                except SetupError:
                    if path == "/":
                        raise
                    mount(path, target, None, MS_BIND, None, f"cannot bind {path}")
                    remount_read_only(target)
            else:
                mount(path, target, None, MS_BIND, None, f"cannot bind {path}")
                remount_read_only(target)


        def build_root(spec):
            stage = spec["stage"]
            root = stage + "/root"
            # Everything the container writes outside its volumes lands in this tmpfs and goes with the namespace.
            mount("tmpfs", stage, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755", "cannot mount the container's scratch tmpfs")
            os.mkdir(root)
            layers = []
            for index, host in enumerate(spec["hostMounts"]):
                path = host["path"]
                target = root if path == "/" else root + path
                try:
                    add_host_layer(stage, index, host, path, target)
                except SetupError as error:
                    # A mount another process made and removed since the plan (a test's tmpfs under /tmp): gone from
                    # the host too, so there is nothing to show.
                    if path == "/" or error.errno != errno.ENOENT:
                        raise
                    continue
                layers.append(target)
            mount("proc", root + "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, None, "cannot mount /proc")
            mount("/sys", root + "/sys", None, MS_BIND | MS_REC, None, "cannot bind /sys")
            remount_read_only(root + "/sys")
            build_dev(root + "/dev")
            read_only = []
            for volume in spec["mounts"]:
                target = make_mount_point(root, volume["target"], volume["file"])
                mount(volume["source"], target, None, MS_BIND | MS_REC, None, f"cannot mount {volume['source']} on {volume['target']}")
                if volume["readOnly"]:
                    read_only.append(target)
            working_dir = resolve_in_root(root, spec["workingDir"])
            make_directories(root, working_dir)
            if spec["readOnlyRoot"]:
                read_only = layers + read_only
            for target in read_only:
                remount_read_only(target)
            return root, working_dir


        def build_dev(dev):
            """A container's minimal /dev, as runc makes it."""
            mount("tmpfs", dev, "tmpfs", MS_NOSUID, "mode=0755,size=65536k", "cannot mount /dev")
            for name in ("null", "zero", "full", "random", "urandom", "tty"):
                os.close(os.open(f"{dev}/{name}", os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, 0o666))
                mount(f"/dev/{name}", f"{dev}/{name}", None, MS_BIND, None, f"cannot bind /dev/{name}")
            os.mkdir(f"{dev}/shm", 0o1777)
            mount("shm", f"{dev}/shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=1777,size=65536k", "cannot mount /dev/shm")
            os.mkdir(f"{dev}/pts", 0o755)
            try:
                mount("devpts", f"{dev}/pts", "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620", "devpts")
                os.symlink("pts/ptmx", f"{dev}/ptmx")
            except SetupError:
                pass  # no pseudo-terminals then; nothing in a pod asks for one without tty: true
            for name, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"), ("stdout", "/proc/self/fd/1"),
                                 ("stderr", "/proc/self/fd/2"), ("core", "/proc/kcore")):
                os.symlink(target, f"{dev}/{name}")


        def host_pid():
            with open("/proc/self/status") as status:
                for line in status:
                    if line.startswith("NSpid:"):
                        return int(line.split()[1])
            raise SetupError("no NSpid in /proc/self/status")


        def container(spec, error):
            """The container's first process: builds its root, becomes who it runs as, execs the program."""
            call(libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "cannot set the parent-death signal")
            pid = host_pid()
            root, working_dir = build_root(spec)
            os.chroot(root)
            os.chdir(working_dir)
            os.setsid()
            os.setgroups(spec["groups"])
            os.setresgid(spec["gid"], spec["gid"], spec["gid"])
            os.setresuid(spec["uid"], spec["uid"], spec["uid"])
            if spec["noNewPrivileges"]:
                call(libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "cannot set no_new_privs")
            call(libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "cannot set the parent-death signal")
            for number in (signal.SIGPIPE, signal.SIGXFSZ, signal.SIGINT):
                signal.signal(number, signal.SIG_DFL)  # Python's own choices must not leak into the program
            executable = spec["executable"]
            if not os.access(executable, os.X_OK):
                raise SetupError(f'exec: "{spec["argv"][0]}": permission denied')
            null = os.open("/dev/null", os.O_RDONLY)
            os.dup2(null, 0)
            os.close(null)
            os.closerange(3, error)
            os.closerange(error + 1, 1 << 16)
            os.write(1, f"started {pid}\n".encode())
            env = dict(item.split("=", 1) for item in spec["env"])
            try:
                os.execve(executable, spec["argv"], env)
            except OSError as e:
                raise SetupError(f'exec: "{spec["argv"][0]}": {e.strerror}')


        def run_and_wait(child, error):
            """Runs `child` in a forked process and exits as it exited (128+n for a signal, as a container's status)."""
            pid = os.fork()
            if pid == 0:
                try:
                    child()
                except BaseException as e:  # the child must never return into the parent's code
                    os.write(error, (str(e) or type(e).__name__).encode())
                os._exit(FAILED)
            for number in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
                signal.signal(number, signal.SIG_IGN)
            null = os.open("/dev/null", os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(null, fd)
            _, status = os.waitpid(pid, 0)
            os._exit(os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status))


        def main():
            spec = json.load(sys.stdin)
            error = os.open(spec["errorFile"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
            try:
                os.setsid()
                for kind in ("ipc", "uts", "pid"):
                    fd = os.open(f"/proc/{spec['podPid']}/ns/{kind}", os.O_RDONLY | os.O_CLOEXEC)
                    call(libc.setns(fd, 0), f"cannot enter the pod's {kind} namespace")
                    os.close(fd)
            except (SetupError, OSError) as e:
                os.write(error, str(e).encode())
                os._exit(FAILED)

            def in_pod():
                # Now inside the pod's PID namespace: a namespace of the container's own below it unless shared.
                call(libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "cannot set the parent-death signal")
                flags = CLONE_NEWNS if spec["sharePid"] else CLONE_NEWNS | CLONE_NEWPID
                call(libc.unshare(flags), "cannot create the container's namespaces")
                mount(None, "/", None, MS_REC | MS_PRIVATE, None, "cannot make the mounts private")
                run_and_wait(lambda: container(spec, error), error)

            run_and_wait(in_pod, error)


        main()
        """";
}
