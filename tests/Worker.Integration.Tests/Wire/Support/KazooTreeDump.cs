using System.Text.Json;
using ZkSync.Testing;

namespace ZkSync.Worker.IntegrationTests.Wire.Support;

/// <summary>
/// Reads a subtree with kazoo (<c>Interop/Scripts/dump_tree.py</c>), not with our client, so a wire-format
/// check does not depend on the code it checks. Digest-authenticated (root:admin unless told otherwise).
/// </summary>
public static class KazooTreeDump
{
    public static string ScriptPath => Path.Combine(AppContext.BaseDirectory, "Interop", "Scripts", "dump_tree.py");

    /// <summary>Every node at and below <paramref name="root"/>, sorted by path.</summary>
    public static async Task<IReadOnlyList<ZnodeDump>> DumpAsync(
        string connectionString, string root, string user = "root", string password = "admin", CancellationToken cancellationToken = default)
    {
        var result = (await KazooScript.RunFileAsync(ScriptPath, [connectionString, root, user, password], null, TimeSpan.FromSeconds(120), cancellationToken)
            .ConfigureAwait(false)).EnsureSuccess();
        var nodes = new List<ZnodeDump>();
        foreach (var line in result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var json = JsonDocument.Parse(line);
            var node = json.RootElement;
            nodes.Add(new ZnodeDump(
                node.GetProperty("path").GetString()!,
                Convert.FromBase64String(node.GetProperty("data").GetString()!),
                node.GetProperty("ephemeral").GetBoolean(),
                [.. node.GetProperty("acl").EnumerateArray().Select(a => new ZnodeAcl(
                    a.GetProperty("scheme").GetString()!, a.GetProperty("id").GetString()!, a.GetProperty("perms").GetInt32()))]));
        }

        return nodes;
    }
}
