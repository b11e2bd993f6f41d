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
            var acl = node.Acls.Select(a => new Acl(a.Permissions, DigestAcl.Scheme, a.Id)).ToList();
            if (await retry.ExecuteAsync(token => client.ExistsAsync(node.Path, null, token), cancellationToken).ConfigureAwait(false) is null)
            {
                if (node.MakePath)
                {
                    var parent = node.Path[..Math.Max(1, node.Path.LastIndexOf('/'))];
                    await client.EnsurePathAsync(parent, rootAcl, retry, cancellationToken).ConfigureAwait(false);
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

        return ExitCodes.Success;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Created {Path} with {Count} ACL entries")]
    private static partial void LogCreated(ILogger logger, string path, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "node {Path} already exists: ACL reset")]
    private static partial void LogExists(ILogger logger, string path);
}
