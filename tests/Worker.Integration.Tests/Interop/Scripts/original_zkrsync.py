#!/usr/bin/python3
"""The ORIGINAL vsc-zk 2.0.7 zkrsync roles, as they behave on the wire, with kazoo 2.8.

A compact re-statement of lib/vsc/zk/{base,depthwalk}.py and lib/vsc/zk/rsync/{controller,source,
destination}.py and bin/zkrsync.py, for interop tests: the same recipes (Lock, LockingQueue, Party,
Counter, DataWatch), digest auth and make_digest_acl default ACL, node names and data, whoami =
host:pid, the same order of operations and rsync command lines. Deliberate differences, none visible
on the wire: rsync runs from an argument list (not a shell string), --address binds the daemon to the
advertised host, a destination registers once its daemon accepts connections (not after 3 output
loops), the fixed sleeps are --waittime, a missing watch/ready is "not ready" (the original's
DataWatch callback crashes on it), and --rsubpaths is not supported.

  original_zkrsync.py source|dest --servers H:P -N SESSION -r PATH [--depth N] [--host HOST] ...

A source that wins S/lock is the master, exactly as the original's `zkrsync -S`; --expect master
(or worker) makes the script exit 2 at once when it got the other role.
"""

import argparse
import configparser
import os
import re
import socket
import subprocess
import sys
import tempfile
import time

from kazoo.client import KazooClient
from kazoo.recipe.counter import Counter
from kazoo.recipe.party import Party
from kazoo.recipe.queue import LockingQueue
from kazoo.security import make_digest_acl

BASE_ZNODE = '/admin/rsync'
RSYNC_STATS = ['Number_of_files', 'Number_of_regular_files_transferred', 'Total_file_size',
               'Total_transferred_file_size', 'Literal_data', 'Matched_data', 'File_list_size',
               'Total_bytes_sent', 'Total_bytes_received']
ACTIVE, PAUSED, DISABLED = 'active', 'paused', 'disabled'


def log(fmt, *args):
    sys.stderr.write('%s [%d] %s\n' % (time.strftime('%H:%M:%S'), os.getpid(), fmt % args))
    sys.stderr.flush()


class Client:
    """VscKazooClient + RsyncController: connection, parties, ready watch, destination states."""

    def __init__(self, opts, parties, host):
        self.opts = opts
        self.session = opts.session
        self.S = '%s/%s' % (BASE_ZNODE, self.session)
        self.whoami = '%s:%d' % (host, os.getpid())
        self.zk = KazooClient(hosts=opts.servers,
                              default_acl=[make_digest_acl(opts.user, opts.passwd, all=True)],
                              auth_data=[('digest', '%s:%s' % (opts.user, opts.passwd))])
        self.zk.start()
        self.parties = {}
        for party in parties:
            self.parties[party] = Party(self.zk, '%s/parties/%s' % (self.S, party), self.whoami)
            self.parties[party].join()
        self.rsyncpath = opts.rsyncpath.rstrip(os.path.sep)
        self.rsdir = opts.tmpdir
        if not os.path.isdir(self.rsdir):
            os.makedirs(self.rsdir, 0o700)
        self.module = 'zkrs-%s' % self.session
        self.dest_queue = LockingQueue(self.zk, self.S + '/destQueue')
        self.ready = False

    def ready_with_stop_watch(self):
        @self.zk.DataWatch(self.S + '/watch/ready')
        def ready_watcher(data, stat):
            if data is not None and data.decode() == 'stop':
                self.ready = True

    def get_znode(self, path):
        data, stat = self.zk.get(path)
        return (None if data is None else data.decode()), stat

    def dest_state(self, dest, state):
        """controller.dest_state: under S/destslock (identifier = the destination), read and change S/dests/<dest>."""
        destdir = self.S + '/dests'
        self.zk.ensure_path(destdir)
        destpath = '%s/%s' % (destdir, dest)
        with self.zk.Lock(self.S + '/destslock', dest):
            if not self.zk.exists(destpath):
                self.zk.create(destpath, b'', ephemeral=True)
            current, _ = self.get_znode(destpath)
            if state == PAUSED:
                if current == ACTIVE:
                    self.zk.set(destpath, PAUSED.encode())
            elif state == ACTIVE:
                if not current or current == PAUSED:
                    self.zk.set(destpath, ACTIVE.encode())
                elif current == DISABLED:
                    self.zk.set(destpath, ACTIVE.encode())
                    self.add_to_queue()
            else:  # 'status', the source's side (handle_dest_state)
                if current == PAUSED:
                    self.zk.set(destpath, DISABLED.encode())
                    self.dest_queue.consume()
                    return False
                return current == ACTIVE
        return None

    def add_to_queue(self):
        raise NotImplementedError

    def exit(self, code):
        self.zk.stop()
        self.zk.close()
        sys.exit(code)


# ----- depthwalk.py -----

def exclude_path(path, exclude_re, ex_uid):
    if exclude_re:
        found = exclude_re.search(path)
        if found and ex_uid is not None:
            return os.stat(path).st_uid == ex_uid
        return found
    return False


def build_paths(path, depth, exclude_re=None, ex_uid=None):
    path = path.rstrip(os.path.sep)
    if depth == 0:
        return [(path, 1)]
    pathlist = [(path, 0)]
    pathdepth = path.count(os.path.sep)
    for root, dirs, _ in os.walk(path):
        if exclude_path(root, exclude_re, ex_uid):
            del dirs[:]
            continue
        for name in dirs:
            subpath = os.path.join(root, name)
            if os.path.islink(subpath) or exclude_path(subpath, exclude_re, ex_uid):
                continue
            pathlist.append((subpath, 1 if pathdepth + depth == subpath.count(os.path.sep) else 0))
        if pathdepth + depth - 1 <= root.count(os.path.sep):
            del dirs[:]
    return pathlist


class Source(Client):
    """RsyncSource: the master if it wins S/lock, else a transferring source."""

    TIME_OUT = 5  # waiting for a destination / a path

    def __init__(self, opts):
        super().__init__(opts, ['allsd', 'sources'], socket.getfqdn())
        self.path_queue = LockingQueue(self.zk, self.S + '/pathQueue')
        self.completed_queue = LockingQueue(self.zk, self.S + '/completedQueue')
        self.failed_queue = LockingQueue(self.zk, self.S + '/failedQueue')
        self.output_queue = LockingQueue(self.zk, self.S + '/outputQueue')
        self.zk.ensure_path(self.S + '/stats')
        self.counters = dict((k, Counter(self.zk, '%s/stats/%s' % (self.S, k))) for k in RSYNC_STATS)
        self.lock = None
        self.paths_total = 0

    def encoded(self, path):
        return path.encode('utf-8', 'surrogateescape')

    def decoded(self, value):
        return None if value is None else value.decode('utf-8', 'surrogateescape')

    # ----- master -----

    def acq_lock(self):
        self.lock = self.zk.Lock(self.S + '/lock', '')
        return self.lock.acquire(False)

    def start_ready_rwatch(self):
        watchpath = self.S + '/watch/ready'
        if self.zk.exists(watchpath):
            log('watchnode %s already exists!', watchpath)
            if len(self.parties['allsd']) == 1:
                self.cleanup()
            self.lock.release()
            return False
        return self.zk.create(watchpath, b'start', makepath=True)

    def build_pathqueue(self):
        if self.zk.exists(self.path_queue.path):
            self.zk.delete(self.path_queue.path, recursive=True)
        exclude_re = re.compile(self.opts.excludere) if self.opts.excludere else None
        ex_uid = None
        if self.opts.excl_usr:
            import pwd
            ex_uid = pwd.getpwnam(self.opts.excl_usr).pw_uid
        paths = ['%d_%s' % (rec, path) for path, rec in build_paths(self.rsyncpath, self.opts.depth, exclude_re, ex_uid)]
        self.paths_total = len(paths)
        for path in paths:
            self.path_queue.put(self.encoded(path))
        log('pathqueue building finished: %d paths', self.paths_total)

    def wait_and_keep_progress(self):
        while len(self.path_queue) != 0:
            time.sleep(self.opts.waittime)

    def shutdown_all(self):
        self.zk.set(self.S + '/watch/ready', b'stop')
        while len(self.parties['allsd']) > 1:
            time.sleep(self.opts.waittime)
        self.cleanup()

    def cleanup(self):
        while len(self.path_queue) > 0:
            log('Unfinished Path %s', self.decoded(self.path_queue.get()))
            self.path_queue.consume()
        self.zk.delete(self.dest_queue.path, recursive=True)
        self.zk.delete(self.path_queue.path, recursive=True)
        log('progress stats: %s', dict((k, v.value) for k, v in self.counters.items()))
        self.zk.delete(self.S + '/stats', recursive=True)
        while len(self.failed_queue) > 0:
            log('Failed Path %s', self.decoded(self.failed_queue.get()))
            self.failed_queue.consume()
        while len(self.completed_queue) > 0:
            log('Completed Path %s', self.decoded(self.completed_queue.get()))
            self.completed_queue.consume()
        while len(self.output_queue) > 0:
            log('%s', self.output_queue.get().decode())
            self.output_queue.consume()
        for queue in (self.completed_queue, self.failed_queue, self.output_queue):
            self.zk.delete(queue.path, recursive=True)
        self.zk.delete(self.S + '/watch/ready')
        self.lock.release()
        log('Cleanup done: Lock, Queues and watch removed')

    # ----- transferring source -----

    def try_a_dest(self, timeout):
        dest = self.dest_queue.get(timeout)
        dest = dest.decode() if dest is not None else None
        if dest:
            port, whoami = dest.split(':', 1)
            if whoami not in self.parties['allsd']:
                self.dest_queue.consume()
                return None
            elif not self.dest_state(whoami, 'status'):
                return None
            lport, _ = self.get_znode('%s/portmap/%s' % (self.S, whoami))
            if port != lport:
                log('destination port not valid')
                self.dest_queue.consume()
                return None
        return dest

    def get_a_dest(self, attempts):
        for attempt in range(attempts):
            dest = self.try_a_dest(self.TIME_OUT)
            if dest:
                return dest
            time.sleep(self.opts.waittime)
        log('Still no destination after %s tries', attempts)
        return None

    def run_rsync(self, encpath, host, port):
        rec, path = encpath.split('_', 1)
        if not path.startswith(self.rsyncpath):
            raise ValueError('Invalid path! %s is not a subpath of %s!' % (path, self.rsyncpath))
        fd, gfile = tempfile.mkstemp(dir=self.rsdir)
        with open(fd, 'wb') as wfile:
            wfile.write(('%s/' % path[len(self.rsyncpath):].strip(os.path.sep)).encode('utf-8', 'surrogateescape'))
        flags = ['--stats', '--numeric-ids', '-lptgoD', '--files-from=%s' % gfile]
        if int(rec):
            flags.append('-r')
        if self.opts.dryrun:
            flags.append('-n')
        command = ['rsync'] + flags + ['%s/' % self.rsyncpath, 'rsync://%s:%s/%s' % (host, port, self.module)]
        log('%s is sending path %s to %s %s', self.whoami, path, host, port)
        proc = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        os.remove(gfile)
        output = proc.stdout.decode('utf-8', 'replace')
        for line in output.splitlines():
            keyval = line.split(':')
            if len(keyval) < 2 or keyval[1] == ' ':
                continue
            key = re.sub(' ', '_', keyval[0])
            if key in RSYNC_STATS:
                self.counters[key] += int(re.sub(',', '', keyval[1].split()[0]))
        if proc.returncode != 0:
            log('rsync exited with %d: %s', proc.returncode, output)
        return proc.returncode

    def attempt_run(self, path, attempts=3):
        for attempt in range(attempts):
            dest = self.get_a_dest(attempts)  # held for life: get() returns it again until consumed
            if not dest or not os.path.isdir(self.rsyncpath):
                self.path_queue.put(self.encoded(path), priority=50)
                self.path_queue.consume()
                time.sleep(self.TIME_OUT)
                return 1
            port, host, _ = dest.split(':', 2)
            if self.run_rsync(path, host, port) == 0:
                self.completed_queue.put(self.encoded(path))
                return 0
            time.sleep(self.opts.waittime)
        log('There were issues with path %s!', path)
        self.failed_queue.put(self.encoded(path))
        return 0

    def rsync(self, timeout):
        if not os.path.isdir(self.rsyncpath):
            time.sleep(self.opts.waittime)
            return
        path = self.decoded(self.path_queue.get(timeout))
        if path and self.attempt_run(path) == 0:
            self.path_queue.consume()


class Destination(Client):
    """RsyncDestination: reserve a port, run the daemon, activate, queue port:whoami, stop on 'stop'."""

    def __init__(self, opts):
        self.daemon_host = opts.host or socket.getfqdn()
        super().__init__(opts, ['allsd', 'dests'], self.daemon_host)
        self.port = None

    def reserve_port(self):
        portdir = '%s/usedports/%s' % (self.S, self.daemon_host)
        self.zk.ensure_path(portdir)
        with self.zk.Lock(self.S + '/portlock', self.whoami):
            port = self.opts.startport
            while self.zk.exists('%s/%d' % (portdir, port)):
                port += 1
            self.zk.create('%s/%d' % (portdir, port), b'', ephemeral=True)
            portmap = '%s/portmap/%s' % (self.S, self.whoami)
            if not self.zk.exists(portmap):
                self.zk.create(portmap, b'', ephemeral=True, makepath=True)
            self.zk.set(portmap, str(port).encode())
        self.port = port

    def add_to_queue(self):
        self.dest_queue.put(('%d:%s' % (self.port, self.whoami)).encode())
        log('Added destination %s to queue with port %s', self.whoami, self.port)

    def listening(self):
        try:
            socket.create_connection((self.daemon_host, self.port), timeout=1).close()
            return True
        except OSError:
            return False

    def run_rsync(self):
        fd, config = tempfile.mkstemp(dir=self.rsdir, text=True)
        parser = configparser.RawConfigParser()
        parser.add_section(self.module)
        parser.set(self.module, 'path', self.rsyncpath)
        parser.set(self.module, 'read only', 'no')
        parser.set(self.module, 'uid', 'root')
        parser.set(self.module, 'gid', 'root')
        with os.fdopen(fd, 'w') as wfile:
            parser.write(wfile)
        cmd = ['rsync', '--daemon', '--no-detach', '--config', config, '--port', str(self.port),
               '--address', self.daemon_host]
        log('Starting %s', ' '.join(cmd))
        daemon = subprocess.Popen(cmd)
        registered = paused = False
        try:
            self.dest_state(self.whoami, ACTIVE)  # RunDestination: verifypath check on loop 0
            while daemon.poll() is None and not self.ready:
                if not os.path.isdir(self.rsyncpath):
                    if not paused:
                        self.dest_state(self.whoami, PAUSED)
                        paused = True
                elif paused:
                    self.dest_state(self.whoami, ACTIVE)
                    paused = False
                if not registered and not paused and self.listening():
                    self.add_to_queue()
                    registered = True
                time.sleep(0.1)
        finally:
            if daemon.poll() is None:
                daemon.terminate()
            daemon.wait()
            os.remove(config)

    def run(self, attempts=3):
        self.ready_with_stop_watch()
        attempt = 1
        while attempt <= attempts and not self.ready:
            self.reserve_port()
            self.run_rsync()
            attempt += 1


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('role', choices=['source', 'dest'])
    parser.add_argument('--servers', required=True)
    parser.add_argument('-N', '--session', default='default')
    parser.add_argument('-r', '--rsyncpath', required=True)
    parser.add_argument('-u', '--user', default='root')
    parser.add_argument('-p', '--passwd', default='admin')
    parser.add_argument('--depth', type=int, default=3)
    parser.add_argument('-n', '--dryrun', action='store_true')
    parser.add_argument('--excludere', default=r'/\.snapshots(/.*|$)')
    parser.add_argument('--excl_usr', default='root')
    parser.add_argument('--host', default=None, help='destination: advertised and bound host (default: fqdn)')
    parser.add_argument('--startport', type=int, default=4444)
    parser.add_argument('--tmpdir', default='/tmp/zkrsync')
    parser.add_argument('--waittime', type=float, default=5, help='the original WAITTIME (5 s)')
    parser.add_argument('--expect', choices=['master', 'worker'], default=None)
    opts = parser.parse_args()

    if opts.role == 'dest':
        dest = Destination(opts)
        dest.run()
        log('%s Ready', dest.whoami)
        dest.exit(0)

    source = Source(opts)
    locked = source.acq_lock()
    if opts.expect and opts.expect != ('master' if locked else 'worker'):
        log('expected to be %s but the lock said otherwise', opts.expect)
        if locked:
            source.lock.release()
        source.exit(2)
    if locked:
        log('ROLE master')
        if not source.start_ready_rwatch():
            source.exit(1)
        source.build_pathqueue()
        source.wait_and_keep_progress()
        source.shutdown_all()
    else:
        log('ROLE worker')
        source.ready_with_stop_watch()
        while not source.ready:
            source.rsync(Source.TIME_OUT)
        log('%s Ready', source.whoami)
    source.exit(0)


if __name__ == '__main__':
    main()
