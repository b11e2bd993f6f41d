using System.Collections.Concurrent;

namespace ZkSync.ZooKeeper.Recipes;

/// <summary>
/// Persistent nodes one client has seen exist or made, shared by the recipes of one process (through
/// <see cref="RecipeOptions.KnownNodes"/>): an ensure-path of a known node costs no request. Whoever deletes a subtree
/// through this process forgets it (<see cref="ForgetUnder"/>), and a recipe that finds a node gone after all forgets it
/// before ensuring it again.
/// </summary>
public sealed class KnownNodes
{
    private readonly ConcurrentDictionary<string, byte> _nodes = new(StringComparer.Ordinal);

    public bool Contains(string path) => _nodes.ContainsKey(path);

    public void Add(string path) => _nodes[path] = 0;

    /// <summary>Forgets <paramref name="path"/> and every known node below it.</summary>
    public void ForgetUnder(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var prefix = path.EndsWith('/') ? path : path + "/";
        foreach (var node in _nodes.Keys)
        {
            if (node == path || node.StartsWith(prefix, StringComparison.Ordinal))
            {
                _nodes.TryRemove(node, out _);
            }
        }
    }
}
