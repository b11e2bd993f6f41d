using ZkSync.ZooKeeper;
using ZkSync.Worker.Cli;

namespace ZkSync.Worker.InitTree;

/// <summary>
/// The zkinitree config (the original's <c>vsc.zk.zkconfigparser</c>): <c>[root] passwd=…</c> (and optional
/// <c>path</c>); one section per user with <c>passwd=…</c>; one section per znode (<c>[/admin/rsync]</c>)
/// whose keys are permission letters from <c>rwcda</c> or <c>all</c> and whose values are comma-separated
/// user names (empty values are skipped). <c>[MAIN]</c> holds program options and is not part of the tree.
/// Stricter than the original: unknown permission letters are errors, and a user listed under several
/// permission keys of one node gets one ACL entry with the union of them.
/// </summary>
public static class InitTreeConfig
{
    public const string RootSection = "root";
    private const string PasswordKey = "passwd";
    private static readonly string[] NodeAttributes = ["value", "ephemeral", "sequence", "makepath"];

    /// <summary>Builds the plan from the merged config files.</summary>
    /// <exception cref="UsageException">Missing root password, user without password, unknown user or letter.</exception>
    public static InitTreePlan Parse(IniDocument config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var sections = config.Sections.Where(s => s != OptionParser.MainSection).ToList();
        if (!sections.Contains(RootSection))
        {
            throw new UsageException("Root user not configured or has no password attribute: add a [root] section with passwd = ... (the password initree and the workers use as root)");
        }

        var root = Dictionary(config, RootSection);
        if (!root.TryGetValue(PasswordKey, out var rootPassword))
        {
            throw new UsageException("Root user not configured or has no password attribute: add a [root] section with passwd = ... (the password initree and the workers use as root)");
        }

        var rootPath = root.TryGetValue("path", out var p) && p.Length > 0 ? p : "/";

        var users = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var section in sections.Where(s => s != RootSection && !s.StartsWith('/')))
        {
            var values = Dictionary(config, section);
            if (!values.TryGetValue(PasswordKey, out var password))
            {
                throw new UsageException($"User {section} has no password attribute: add passwd = ... to [{section}]");
            }

            users[section] = password;
        }

        var rootAcl = DigestAcl.For(InitTreePlan.RootUser, rootPassword, Permissions.All);
        var nodes = new List<InitTreeNode>();
        foreach (var path in sections.Where(s => s.StartsWith('/')))
        {
            nodes.Add(ParseNode(config, path, users, rootAcl));
        }

        var ordered = nodes
            .Select((node, index) => (node, index))
            .OrderBy(x => Depth(x.node.Path))
            .ThenBy(x => x.index)
            .Select(x => x.node)
            .ToList();
        return new InitTreePlan(rootPassword, rootPath, ordered);
    }

    /// <summary>Permission letters (<c>rwcda</c>, any subset, any order) or <c>all</c>.</summary>
    /// <exception cref="UsageException">An unknown letter.</exception>
    public static Permissions ParsePermissions(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key == "all")
        {
            return Permissions.All;
        }

        var permissions = Permissions.None;
        foreach (var c in key)
        {
            permissions |= c switch
            {
                'r' => Permissions.Read,
                'w' => Permissions.Write,
                'c' => Permissions.Create,
                'd' => Permissions.Delete,
                'a' => Permissions.Admin,
                _ => throw new UsageException($"unknown permission '{c}' in '{key}' (use letters of rwcda, or all)"),
            };
        }

        return permissions;
    }

    private static InitTreeNode ParseNode(
        IniDocument config, string path, Dictionary<string, string> users, DigestAcl rootAcl)
    {
        var acls = new List<DigestAcl> { rootAcl };
        var value = string.Empty;
        var makePath = false;
        foreach (var (key, raw) in config.Items(path))
        {
            if (raw.Length == 0)
            {
                continue; // the original skips empty parameters, e.g. "all="
            }

            if (NodeAttributes.Contains(key))
            {
                if (key == "value")
                {
                    value = raw;
                }
                else if (key == "makepath")
                {
                    makePath = ParseBoolean(path, key, raw);
                }
                else
                {
                    throw new UsageException($"[{path}] {key}: ephemeral or sequential nodes make no sense in a tree built once");
                }

                continue;
            }

            Permissions permissions;
            try
            {
                permissions = ParsePermissions(key);
            }
            catch (UsageException e)
            {
                throw new UsageException($"[{path}] {e.Message}", e);
            }

            foreach (var user in raw.Split(',').Select(u => u.Trim()).Where(u => u.Length > 0))
            {
                if (!users.TryGetValue(user, out var password))
                {
                    throw new UsageException($"[{path}] User {user} not configured: add a [{user}] section with passwd = ..., or remove {user} from [{path}]");
                }

                var existing = acls.FindIndex(a => a.User == user && a != rootAcl);
                if (existing >= 0)
                {
                    acls[existing] = acls[existing] with { Permissions = acls[existing].Permissions | permissions };
                }
                else
                {
                    acls.Add(DigestAcl.For(user, password, permissions));
                }
            }
        }

        return new InitTreeNode(path, acls, value, makePath);
    }

    private static bool ParseBoolean(string section, string key, string raw) => raw.Trim().ToLowerInvariant() switch
    {
        "1" or "yes" or "true" or "on" => true,
        "0" or "no" or "false" or "off" => false,
        _ => throw new UsageException($"[{section}] {key}: not a boolean: '{raw}'"),
    };

    private static Dictionary<string, string> Dictionary(IniDocument config, string section) =>
        config.Items(section).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);

    private static int Depth(string path) => path.TrimEnd('/').Count(c => c == '/');
}
