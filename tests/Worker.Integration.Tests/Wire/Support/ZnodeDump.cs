namespace ZkSync.Worker.IntegrationTests.Wire.Support;

/// <summary>One znode as kazoo read it: path, data bytes, ephemeral or not, and its ACL.</summary>
public sealed record ZnodeDump(string Path, byte[] Data, bool Ephemeral, IReadOnlyList<ZnodeAcl> Acl)
{
    public string Text => System.Text.Encoding.UTF8.GetString(Data);

    /// <summary>The last path segment.</summary>
    public string Name => Path[(Path.LastIndexOf('/') + 1)..];
}
