namespace ZkSync.Worker.InitTree;

/// <summary>What zkinitree does: authenticate as root, then create each node (parents before children).</summary>
/// <param name="RootPassword">Password of user <c>root</c> (<c>[root] passwd</c>).</param>
/// <param name="RootPath">The <c>[root] path</c> (default <c>/</c>; informational, as in the original).</param>
/// <param name="Nodes">Nodes ordered by depth, then by their order in the files.</param>
public sealed record InitTreePlan(string RootPassword, string RootPath, IReadOnlyList<InitTreeNode> Nodes)
{
    /// <summary>The root user's name.</summary>
    public const string RootUser = "root";

    /// <summary>The digest credential zkinitree authenticates with: <c>root:&lt;passwd&gt;</c>.</summary>
    public string RootCredential => $"{RootUser}:{RootPassword}";

    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("RootPassword = ***, RootPath = ").Append(RootPath).Append(", Nodes = ").Append(Nodes.Count);
        return true;
    }
}
