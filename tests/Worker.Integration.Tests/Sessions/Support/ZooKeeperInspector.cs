using System.Globalization;
using ZkSync.Testing;

namespace ZkSync.Worker.IntegrationTests.Sessions.Support;

/// <summary>
/// Looks at a zkrsync session's znodes from outside, with kazoo (the reference client, digest-authenticated
/// as the workers' default <c>root:admin</c>), so the check does not go through our own client.
/// </summary>
public static class ZooKeeperInspector
{
    private const string DumpScript = """
        import sys
        from kazoo.client import KazooClient
        from kazoo.exceptions import NoNodeError
        zk = KazooClient(hosts=sys.argv[1], auth_data=[("digest", "root:admin")])
        zk.start(timeout=30)
        def walk(path):
            stat = zk.exists(path)
            if stat is None:
                return
            print(("E " if stat.ephemeralOwner else "P ") + path, flush=True)
            try:
                children = sorted(zk.get_children(path))
            except NoNodeError:
                return
            for child in children:
                walk(path.rstrip("/") + "/" + child)
        walk(sys.argv[2])
        zk.stop()
        """;

    private const string WaitGoneScript = """
        import sys, threading, time
        from kazoo.client import KazooClient
        from kazoo.exceptions import NoNodeError
        zk = KazooClient(hosts=sys.argv[1], auth_data=[("digest", "root:admin")])
        zk.start(timeout=30)
        party, member, deadline = sys.argv[2], sys.argv[3], time.monotonic() + float(sys.argv[4])
        while True:
            changed = threading.Event()
            try:
                children = zk.get_children(party, watch=lambda event: changed.set())
            except NoNodeError:
                children = []
            present = False
            for child in children:
                try:
                    data, _ = zk.get(party + "/" + child)
                except NoNodeError:
                    continue
                if data.decode("utf-8", "surrogateescape") == member:
                    present = True
            if not present:
                print("gone", flush=True)
                break
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not changed.wait(remaining):
                print("still there", flush=True)
                zk.stop()
                sys.exit(3)
        zk.stop()
        """;

    private const string ReadScript = """
        import base64, sys
        from kazoo.client import KazooClient
        zk = KazooClient(hosts=sys.argv[1], auth_data=[("digest", "root:admin")])
        zk.start(timeout=30)
        data, _ = zk.get(sys.argv[2])
        print(base64.b64encode(data).decode("ascii"), flush=True)
        zk.stop()
        """;

    /// <summary>The data of the node at <paramref name="path"/> (which must exist).</summary>
    public static async Task<byte[]> ReadAsync(string connectionString, string path, CancellationToken cancellationToken)
    {
        var result = (await KazooScript.RunAsync(ReadScript, [connectionString, path], null, TimeSpan.FromSeconds(60), cancellationToken)
            .ConfigureAwait(false)).EnsureSuccess();
        return Convert.FromBase64String(result.StandardOutput.Trim());
    }

    /// <summary>Every znode at and below <paramref name="root"/>, depth first, sorted by name.</summary>
    public static async Task<IReadOnlyList<Znode>> ListAsync(string connectionString, string root, CancellationToken cancellationToken)
    {
        var result = (await KazooScript.RunAsync(DumpScript, [connectionString, root], null, TimeSpan.FromSeconds(60), cancellationToken)
            .ConfigureAwait(false)).EnsureSuccess();
        return [.. result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => new Znode(line[2..], line[0] == 'E'))];
    }

    /// <summary>
    /// Waits, on child watches, until no member of the party node <paramref name="party"/> has the data
    /// <paramref name="member"/> (a worker's whoami): its ZooKeeper session has ended.
    /// </summary>
    /// <exception cref="TimeoutException">The member is still there after <paramref name="timeout"/>.</exception>
    public static async Task WaitUntilMemberGoneAsync(string connectionString, string party, string member, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var seconds = timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture);
        var result = await KazooScript.RunAsync(WaitGoneScript, [connectionString, party, member, seconds], null, timeout + TimeSpan.FromSeconds(30), cancellationToken)
            .ConfigureAwait(false);
        if (result.ExitCode == 3)
        {
            throw new TimeoutException($"{member} was still a member of {party} after {timeout}");
        }

        result.EnsureSuccess();
    }
}
