using System.Text;

namespace ZkSync.ZooKeeper.Recipes;

/// <summary>
/// Keeps transactions (multi requests) well inside the server's 1 MiB request limit (<c>jute.maxbuffer</c>):
/// a queue put of many long paths is split into several transactions.
/// </summary>
public static class TransactionSize
{
    /// <summary>Bytes one transaction may carry (half the limit: ACLs and headers are estimated).</summary>
    public const int MaxBytes = 512 * 1024;

    /// <summary>Operations one transaction may carry.</summary>
    public const int MaxOperations = 1000;

    /// <summary>An upper estimate of the bytes <paramref name="operation"/> adds to a transaction.</summary>
    public static int Of(Op operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var size = 32 + Encoding.UTF8.GetByteCount(operation.Path);
        return operation switch
        {
            CreateOp create => size + create.Data.Length + create.Acl.Sum(acl => 16 + acl.Scheme.Length + acl.Id.Length),
            SetDataOp set => size + set.Data.Length,
            _ => size,
        };
    }

    /// <summary>
    /// <paramref name="operations"/> in order, in groups that each fit one transaction together with
    /// <paramref name="reservedBytes"/> and <paramref name="reservedOperations"/> the caller adds to every group.
    /// </summary>
    public static IEnumerable<List<Op>> Split(IEnumerable<Op> operations, int reservedBytes = 0, int reservedOperations = 0)
    {
        ArgumentNullException.ThrowIfNull(operations);
        var group = new List<Op>();
        var bytes = reservedBytes;
        foreach (var operation in operations)
        {
            var size = Of(operation);
            if (group.Count > 0 && (bytes + size > MaxBytes || group.Count + reservedOperations >= MaxOperations))
            {
                yield return group;
                group = [];
                bytes = reservedBytes;
            }

            group.Add(operation);
            bytes += size;
        }

        if (group.Count > 0)
        {
            yield return group;
        }
    }
}
