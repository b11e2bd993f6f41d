namespace ZkSync.Worker.InitTree;

/// <summary>One znode to create (or whose ACLs to reset when it exists).</summary>
/// <param name="Path">Absolute znode path (the section name).</param>
/// <param name="Acls">Root (all permissions) first, then each configured user once, permissions merged.</param>
/// <param name="Value">Data for a new node (<c>value=</c>), empty by default.</param>
/// <param name="MakePath">Create missing parents (<c>makepath=</c>).</param>
public sealed record InitTreeNode(string Path, IReadOnlyList<DigestAcl> Acls, string Value, bool MakePath);
