using System.Text;
using System.Text.RegularExpressions;

namespace ZkSync.ZooKeeper.Tests.Recipes.Support;

/// <summary>
/// A znode tree as comparable text, one line per node: path, data, ACLs and kind, with uuid4 hex
/// and 10-digit sequence parts normalized so that two runs of the same calls compare equal.
/// </summary>
internal static partial class TreeDump
{
    public static async Task<IReadOnlyList<string>> DumpAsync(ZooKeeperClient client, string path, CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        await DumpNodeAsync(client, path, path, lines, cancellationToken);
        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    /// <summary>Replaces uuid4 hex with &lt;uuid&gt; and sequence suffixes with &lt;seq&gt;.</summary>
    public static string Normalize(string text) => Sequence().Replace(UuidHex().Replace(text, "<uuid>"), "<seq>");

    private static async Task DumpNodeAsync(ZooKeeperClient client, string root, string path, List<string> lines, CancellationToken cancellationToken)
    {
        DataResult data;
        AclResult acl;
        ChildrenResult children;
        try
        {
            data = await client.GetDataAsync(path, null, cancellationToken);
            acl = await client.GetAclAsync(path, cancellationToken);
            children = await client.GetChildrenAsync(path, null, cancellationToken);
        }
        catch (NoNodeException)
        {
            return;
        }

        var relative = path == root ? "/" : path[root.Length..];
        var acls = string.Join(",", acl.Acl.Select(entry => $"{entry.Scheme}:{entry.Id}:{(int)entry.Permissions}").Order(StringComparer.Ordinal));
        var kind = data.Stat.IsEphemeral ? "ephemeral" : "persistent";
        lines.Add(Normalize($"{relative} data=[{Printable(data.Data)}] acl=[{acls}] {kind}"));
        foreach (var child in children.Children)
        {
            await DumpNodeAsync(client, root, path == "/" ? "/" + child : path + "/" + child, lines, cancellationToken);
        }
    }

    private static string Printable(byte[] data)
    {
        var text = Encoding.UTF8.GetString(data);
        return text.All(c => c >= ' ' && c < '\u007f') ? text : "hex:" + Convert.ToHexString(data);
    }

    [GeneratedRegex("[0-9a-f]{32}")]
    private static partial Regex UuidHex();

    [GeneratedRegex(@"(?<=[_-])-?\d{10}(?=\s|$)")]
    private static partial Regex Sequence();
}
