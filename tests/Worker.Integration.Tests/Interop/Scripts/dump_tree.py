#!/usr/bin/python3
"""Dumps a ZooKeeper subtree with kazoo 2.8, one JSON object per line, in path order:
{"path", "data" (base64), "ephemeral", "acl": [{"scheme", "id", "perms"}]}.

  dump_tree.py SERVERS ROOT [USER PASSWD]

Authenticates as USER:PASSWD (digest, default root:admin) so it can read nodes only root may read.
Reads are pipelined (async) so a queue of thousands of entries dumps in a second or two.
"""

import base64
import json
import sys

from kazoo.client import KazooClient


def main():
    servers, root = sys.argv[1], sys.argv[2]
    user, passwd = (sys.argv[3], sys.argv[4]) if len(sys.argv) > 4 else ('root', 'admin')
    zk = KazooClient(hosts=servers, auth_data=[('digest', '%s:%s' % (user, passwd))])
    zk.start()
    try:
        level = [root]
        nodes = []
        while level:
            gets = [(p, zk.get_async(p), zk.get_acls_async(p), zk.get_children_async(p)) for p in level]
            level = []
            for path, get, acls, children in gets:
                try:
                    data, stat = get.get()
                    acl, _ = acls.get()
                    kids = children.get()
                except Exception:  # vanished meanwhile
                    continue
                nodes.append({
                    'path': path,
                    'data': base64.b64encode(data or b'').decode(),
                    'ephemeral': stat.ephemeralOwner != 0,
                    'acl': [{'scheme': a.id.scheme, 'id': a.id.id, 'perms': a.perms} for a in acl],
                })
                level.extend((path.rstrip('/') + '/' + k) for k in kids)
        for node in sorted(nodes, key=lambda n: n['path']):
            sys.stdout.write(json.dumps(node) + '\n')
    finally:
        zk.stop()
        zk.close()


if __name__ == '__main__':
    main()
