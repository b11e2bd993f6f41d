#!/usr/bin/python3
"""restore.py STALE LIST DST: puts the stale version of every file in LIST (relative paths) into DST,
in place (content, mode, mtime), so DST's directories keep their entries and mtimes. This brings DST
back to "synced before 1% of the files changed" for bench/sync/run.sh."""
import os
import shutil
import sys

stale, listing, dst = sys.argv[1:4]
with open(listing) as fh:
    for rel in filter(None, (line.rstrip("\n") for line in fh)):
        s, d = os.path.join(stale, rel), os.path.join(dst, rel)
        shutil.copyfile(s, d)  # truncates and rewrites the existing file: no directory entry changes
        st = os.stat(s)
        os.chmod(d, st.st_mode & 0o7777)
        os.utime(d, ns=(st.st_atime_ns, st.st_mtime_ns))
