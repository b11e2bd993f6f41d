using ZkSync.Testing;
namespace ZkSync.ZooKeeper.Tests.Infrastructure;

/// <summary>Small kazoo scripts the infrastructure tests share. Arguments come through sys.argv.</summary>
internal static class KazooScripts
{
    /// <summary>argv: hosts path value. Creates path (and parents) with value, prints what it reads back.</summary>
    public const string CreateAndRead = """
        import sys
        from kazoo.client import KazooClient
        hosts, path, value = sys.argv[1:4]
        zk = KazooClient(hosts=hosts, timeout=10.0)
        zk.start(timeout=30)
        zk.create(path, value.encode(), makepath=True)
        data, _ = zk.get(path)
        print(data.decode())
        zk.stop()
        zk.close()
        """;

    /// <summary>argv: hosts path. Prints the node's value.</summary>
    public const string Read = """
        import sys
        from kazoo.client import KazooClient
        hosts, path = sys.argv[1:3]
        zk = KazooClient(hosts=hosts, timeout=10.0)
        zk.start(timeout=30)
        data, _ = zk.get(path)
        print(data.decode())
        zk.stop()
        zk.close()
        """;
}
