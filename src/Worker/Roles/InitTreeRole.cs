using System.Text;
using Microsoft.Extensions.Logging;
using ZkSync.Contracts;
using ZkSync.Worker.Cli;
using ZkSync.Worker.InitTree;
using ZkSync.ZooKeeper;
using ZkSync.ZooKeeper.Recipes;

namespace ZkSync.Worker.Roles;

/// <summary>
/// <c>zkrsync initree</c> (the original's <c>zkinitree</c>): connects with root's digest credentials and
/// creates each configured znode with its digest ACLs (root always with every permission); a node that
/// exists keeps its data and gets its ACL reset.
/// </summary>
internal sealed partial class InitTreeRole(InitTreeOptions options, ILoggerFactory loggerFactory)
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<InitTreeRole>();

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var plan = options.Plan;
        await using var client = await ZooKeeperClient.ConnectAsync(
            new ZooKeeperClientOptions
            {
                ConnectionString = string.Join(',', options.Servers),
                ConnectTimeout = options.ConnectTimeout,
                LoggerFactory = loggerFactory,
            },
            cancellationToken).ConfigureAwait(false);
        var retry = ZooKeeperRetryPolicy.Default;
        await retry.ExecuteAsync(token => client.AddDigestAuthAsync(InitTreePlan.RootUser, plan.RootPassword, token), cancellationToken).ConfigureAwait(false);
        var rootAcl = new[] { Acl.Digest(InitTreePlan.RootUser, plan.RootPassword, Permissions.All) };

        foreach (var node in plan.Nodes)
        {
            try
            {
                await ApplyAsync(client, retry, node, rootAcl, cancellationToken).ConfigureAwait(false);
            }
            catch (NoNodeException)
            {
                throw new UsageException(
                    $"[{node.Path}]: the parent node {Parent(node.Path)} does not exist: add a section for it, or makepath = true to [{node.Path}]");
            }
            catch (NoAuthException)
            {
                throw new UsageException(
                    $"[{node.Path}]: not allowed (NoAuth): the ACL of {node.Path} or of its parent does not let {InitTreePlan.RootUser} (with [{InitTreeConfig.RootSection}] passwd) " +
                    "change it: check that password, or reset that ACL as a user who may");
            }
        }

        return ExitCodes.Success;
    }

    /// <summary>Creates <paramref name="node"/> with its ACL, or resets the ACL of the existing node.</summary>
    private async Task ApplyAsync(ZooKeeperClient client, ZooKeeperRetryPolicy retry, InitTreeNode node, Acl[] rootAcl, CancellationToken cancellationToken)
    {
        var acl = node.Acls.Select(a => new Acl(a.Permissions, DigestAcl.Scheme, a.Id)).ToList();
        if (await retry.ExecuteAsync(token => client.ExistsAsync(node.Path, null, token), cancellationToken).ConfigureAwait(false) is null)
        {
            if (node.MakePath)
            {
                await client.EnsurePathAsync(Parent(node.Path), rootAcl, retry, cancellationToken).ConfigureAwait(false);
            }

            await retry.ExecuteAsync(async (attempt, token) =>
            {
                try
                {
                    await client.CreateAsync(node.Path, Encoding.UTF8.GetBytes(node.Value), acl, CreateMode.Persistent, token).ConfigureAwait(false);
                }
                catch (NodeExistsException) when (attempt.IsRetry)
                {
                    // Created by our earlier attempt whose reply was lost (its ACL is the one we meant).
                }
            }, cancellationToken).ConfigureAwait(false);
            LogCreated(_logger, node.Path, acl.Count);
        }
        else
        {
            LogExists(_logger, node.Path);
            await retry.ExecuteAsync(token => client.SetAclAsync(node.Path, acl, -1, token), cancellationToken).ConfigureAwait(false);
        }
    }

    private static string Parent(string path) => path[..Math.Max(1, path.LastIndexOf('/'))];

    [LoggerMessage(Level = LogLevel.Information, Message = "Created {Path} with {Count} ACL entries")]
    private static partial void LogCreated(ILogger logger, string path, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "node {Path} already exists: ACL reset")]
    private static partial void LogExists(ILogger logger, string path);
}
