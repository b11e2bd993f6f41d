namespace ZkSync.Worker.IntegrationTests.Sessions.Support;

/// <summary>One znode as <see cref="ZooKeeperInspector.ListAsync"/> saw it.</summary>
public sealed record Znode(string Path, bool Ephemeral);
