using System.Text.RegularExpressions;
using ZkSync.Contracts;
using ZkSync.Worker.Walk;

namespace ZkSync.Worker.Cli;

/// <summary>
/// The options of <c>zkrsync</c>: the original's (same long and short names, defaults and meanings) plus new
/// ones for Kubernetes. Deviations from the original, each fixing one of its bugs:
/// <c>--verifypath</c> turns verification on (it is on by default; <c>--disable-verifypath</c> turns it off),
/// exactly one role is required, <c>--rsyncpath</c> is not needed for <c>--state</c>, and an empty
/// <c>--excludere</c> excludes nothing (Python's empty regex excluded everything).
/// </summary>
public static class ZkRsyncOptionsParser
{
    /// <summary>Prefix of environment variables, from the program name as generaloption does.</summary>
    public const string EnvironmentPrefix = "ZKRSYNC";

    public const string DefaultExcludeRe = @"/\.snapshots(/.*|$)";
    public const string DefaultTmpDir = "/tmp/zkrsync";
    public const string DefaultLogFile = "/tmp/zkrsync/%(session)s-%(rstype)s-%(pid)s.log";
    public const string DefaultPidFile = "/tmp/zkrsync/%(session)s-%(rstype)s-%(pid)s.pid";

    private const string GroupZk = "ZooKeeper connection options";
    private const string GroupRole = "Role options (exactly one)";
    private const string GroupSession = "Session options (the same on all clients of a session)";
    private const string GroupPaths = "Path building options (sources and --pathsonly)";
    private const string GroupRsync = "rsync options of sources (the same on all sources of a session)";
    private const string GroupClient = "Individual client options";
    private const string GroupDest = "Destination options";

    /// <summary>Every option, in help order.</summary>
    public static IReadOnlyList<OptionSpec> Specs { get; } =
    [
        new("servers", null, OptionKind.StringList, null, "list of zk servers (host:port,host:port)", GroupZk),
        new("user", 'u', OptionKind.String, "root", "user with creation rights on zookeeper", GroupZk),
        new("passwd", 'p', OptionKind.String, "admin", "password for user with creation rights (prefer ZKRSYNC_PASSWD or a config file to argv)", GroupZk),
        new("connect-timeout", null, OptionKind.Int, "30", "seconds to wait for the first ZooKeeper connection", GroupZk),
        new("zk-session-timeout", null, OptionKind.Int, "10", "ZooKeeper session timeout in seconds: a worker cut off this long loses its session (and a dead master's lock goes to another source after it)", GroupZk),

        new("source", 'S', OptionKind.Flag, null, "rsync source (the first one to take the lock is the master)", GroupRole),
        new("destination", 'D', OptionKind.Flag, null, "rsync destination", GroupRole),
        new("pathsonly", null, OptionKind.Flag, null, "Only do a test run of the pathlist building", GroupRole),
        new("state", null, OptionKind.Flag, null, "Only report the state of the session (exit 0: active, 14: none)", GroupRole),

        new("session", 'N', OptionKind.String, ZnodeLayout.DefaultSession, "session name", GroupSession),
        new("netcat", null, OptionKind.Flag, null, "run netcat test instead of rsync", GroupSession),
        new("dryrun", 'n', OptionKind.Flag, null, "run rsync in dry run mode", GroupSession),
        new("rsyncpath", 'r', OptionKind.String, null, "rsync basepath (may differ between sources and destinations)", GroupSession),

        new("rsubpaths", null, OptionKind.StringList, null, "rsync subpaths, specified as <depth>_<path>, with deepest paths last", GroupPaths),
        new("excludere", null, OptionKind.String, DefaultExcludeRe, "Exclude from pathbuilding (regex searched in the absolute path; empty: none)", GroupPaths),
        new("excl_usr", null, OptionKind.String, "root", "exclude paths matching excludere only when owned by this user (empty: any owner)", GroupPaths),
        new("depth", null, OptionKind.Int, "3", "queue depth: directories this deep are synced recursively", GroupPaths),
        new("window", null, OptionKind.Int, "10000", "master: at most this many paths outstanding in pathQueue while walking", GroupPaths),
        new("progress-interval", null, OptionKind.Int, "5", "master: seconds between progress reports", GroupPaths),
        new("progress-file", null, OptionKind.String, null, "master: also write each progress report as JSON to this file (replaced atomically)", GroupPaths),

        new("delete", null, OptionKind.Flag, null, "run rsync with --delete", GroupRsync),
        new("checksum", null, OptionKind.Flag, null, "run rsync with --checksum", GroupRsync),
        new("hardlinks", null, OptionKind.Flag, null, "run rsync with --hard-links", GroupRsync),
        new("inplace", null, OptionKind.Flag, null, "run rsync with --inplace", GroupRsync),
        new("dropcache", null, OptionKind.Flag, null, "run rsync with --drop-cache when the installed rsync has it (stock rsync does not: then a warning)", GroupRsync),
        new("timeout", null, OptionKind.Int, "0", "run rsync with --timeout TIMEOUT (0: none)", GroupRsync),
        new("verbose", null, OptionKind.Flag, null, "run rsync with --verbose", GroupRsync),
        new("files-from", null, OptionKind.Flag, null, "run rsync as the original does, with a --files-from list (rsync 3.4+ then checks every path component of every file: about 3x the metadata calls); default: each batch's entries are rsync's source arguments (base/./path under --relative), or where argv cannot carry them (names that are not UTF-8) filter rules for recursive entries and a --files-from list for the others", GroupRsync),
        new("arbitopts", null, OptionKind.StringList, null, "Arbitrary rsync long options, comma separated; a colon separates key and value (unchecked)", GroupRsync),
        new("rsync-secret-file", null, OptionKind.String, null, "file holding a shared secret: daemons require it (auth users), sources send it", GroupRsync),
        new("slots", null, OptionKind.Int, "1", "destination: offer this many entries in destQueue, so this many sources can push to its daemon at once", GroupRsync),
        new("batch", null, OptionKind.Int, "64", "source: at most this many queued paths of one kind per rsync run (1: one rsync per path, as the original)", GroupRsync),

        new("verifypath", null, OptionKind.Flag, "true", "Check basepath exists while running (--disable-verifypath: don't)", GroupClient),
        new("daemon", null, OptionKind.Flag, null, "daemonize client", GroupClient),
        new("domain", null, OptionKind.String, null, "substitute domain: advertise <short hostname>.<domain>", GroupClient),
        new("done-file", null, OptionKind.String, null, "cachefile to write state to when done", GroupClient),
        new("keep-session-on-stop", null, OptionKind.Flag, null, "master: on SIGTERM stop the workers but keep the session's queue and counts (no cleanup, no summary), so a later master of the same session resumes it (Kubernetes: suspend)", GroupClient),
        new("run-once", null, OptionKind.Flag, null, "master: a session that already ran to its end (its summary is still in ZooKeeper) is not started again; exit with that run's result (Kubernetes: a master pod replaced after its pass ended)", GroupClient),
        new("json-summary", null, OptionKind.String, null, "master: write a JSON summary (counts, stats, failed paths) to this file", GroupClient),
        new("logfile", null, OptionKind.String, DefaultLogFile, "Output to logfile (%(session)s, %(rstype)s, %(pid)s are replaced; empty: no file)", GroupClient),
        new("pidfile", null, OptionKind.String, DefaultPidFile, "Pidfile template (with --daemon)", GroupClient),
        new("max_bytes", null, OptionKind.Long, "104857600", "logfile size before rotation", GroupClient),
        new("backup_count", null, OptionKind.Int, "5", "logfile backups kept", GroupClient),
        new("tmpdir", null, OptionKind.String, DefaultTmpDir, "directory for the batch lists rsync reads (files-from, or filter rules where a batch cannot go on the command line) and rsyncd configs", GroupClient),

        new("rsyncport", null, OptionKind.Int, null, "force port on which rsyncd binds", GroupDest),
        new("startport", null, OptionKind.Int, "4444", "offset to look for rsyncd ports", GroupDest),
        new("host", null, OptionKind.String, null, "address destinations advertise to sources (default: the fqdn; in Kubernetes the pod IP)", GroupDest),
        new("bind", null, OptionKind.String, null, "address the rsync daemon listens on (default: the advertised address; 0.0.0.0 only if given)", GroupDest),
        .. CommonOptions.Specs,
    ];

    /// <summary>Parses and validates; <see cref="UsageException"/> on the first problem.</summary>
    /// <param name="args">Arguments after the program name.</param>
    /// <param name="environment">Environment variables.</param>
    /// <param name="resolveUser">Looks up <c>--excl_usr</c>; defaults to the passwd database.</param>
    /// <returns>Null with <paramref name="help"/> set when help was asked for.</returns>
    public static ZkRsyncOptions? Parse(
        IReadOnlyList<string> args,
        IReadOnlyDictionary<string, string> environment,
        out HelpRequest help,
        Func<string, uint?>? resolveUser = null)
    {
        var values = OptionParser.Parse(Specs, EnvironmentPrefix, args, environment);
        help = values.Help;
        if (help != HelpRequest.None)
        {
            return null;
        }

        resolveUser ??= name => UserIds.TryResolve(name, out var uid) ? uid : null;
        var role = ValidateRole(values);

        var servers = values.List("servers").Select(s => s.Trim()).ToList();
        if (servers.Count == 0 || servers.Any(s => s.Length == 0))
        {
            throw new UsageException("No servers given! (--servers host:port[,host:port...])");
        }

        var session = values.String("session") ?? ZnodeLayout.DefaultSession;
        if (!ZnodeLayout.IsValidSessionName(session))
        {
            throw new UsageException($"{values.Origin("session")}: invalid session name '{session}': {ZnodeLayout.SessionNameRule}");
        }

        var rsyncPath = values.String("rsyncpath");
        if (string.IsNullOrEmpty(rsyncPath))
        {
            if (role != WorkerRole.State)
            {
                throw new UsageException("Path is mandatory! (-r/--rsyncpath)");
            }

            rsyncPath = null;
        }
        else
        {
            if (!rsyncPath.StartsWith('/'))
            {
                throw new UsageException($"{values.Origin("rsyncpath")}: must be an absolute path: '{rsyncPath}'");
            }

            rsyncPath = rsyncPath.TrimEnd('/');
            if (rsyncPath.Length == 0)
            {
                throw new UsageException($"{values.Origin("rsyncpath")}: '/' cannot be a base path");
            }
        }

        var depth = values.Int("depth");
        if (depth <= 0)
        {
            throw new UsageException($"{values.Origin("depth")}: Invalid depth! ({depth}; must be at least 1)");
        }

        var subPaths = new List<RSubPath>();
        foreach (var text in values.List("rsubpaths"))
        {
            if (!RSubPath.TryParse(text, out var sub))
            {
                throw new UsageException($"{values.Origin("rsubpaths")}: '{text}' is not <depth>_<path>");
            }

            subPaths.Add(sub);
        }

        var excludeRe = ParseRegex(values);
        var exclUsr = values.String("excl_usr");
        uint? exclUid = null;
        if (!string.IsNullOrEmpty(exclUsr) && role is WorkerRole.Source or WorkerRole.PathsOnly)
        {
            exclUid = resolveUser(exclUsr) ??
                      throw new UsageException($"{values.Origin("excl_usr")}: unknown user '{exclUsr}'");
        }

        var rsyncPort = values.IntOrNull("rsyncport");
        if (rsyncPort is not null)
        {
            RequirePort(values, "rsyncport", rsyncPort.Value);
        }

        var startPort = values.Int("startport");
        RequirePort(values, "startport", startPort);

        var secretFile = NullIfEmpty(values.String("rsync-secret-file"));
        if (secretFile is not null && !File.Exists(secretFile))
        {
            throw new UsageException($"{values.Origin("rsync-secret-file")}: no such file: {secretFile}");
        }

        return new ZkRsyncOptions
        {
            Servers = servers,
            User = values.String("user") ?? "root",
            Passwd = values.String("passwd") ?? string.Empty,
            ConnectTimeout = TimeSpan.FromSeconds(RequireAtLeast(values, "connect-timeout", 1)),
            SessionTimeout = TimeSpan.FromSeconds(RequireAtLeast(values, "zk-session-timeout", 1)),
            Role = role,
            Session = session,
            Netcat = values.Flag("netcat"),
            DryRun = values.Flag("dryrun"),
            RsyncPath = rsyncPath,
            RSubPaths = subPaths,
            ExcludeRe = excludeRe,
            ExclUsr = NullIfEmpty(exclUsr),
            ExclUid = exclUid,
            Depth = depth,
            Delete = values.Flag("delete"),
            Checksum = values.Flag("checksum"),
            HardLinks = values.Flag("hardlinks"),
            InPlace = values.Flag("inplace"),
            FilesFrom = values.Flag("files-from"),
            DropCache = values.Flag("dropcache"),
            Timeout = RequireAtLeast(values, "timeout", 0),
            Verbose = values.Flag("verbose"),
            ArbitOpts = values.List("arbitopts").Where(o => o.Length > 0).ToList(),
            VerifyPath = values.Flag("verifypath"),
            Daemon = values.Flag("daemon"),
            Domain = NullIfEmpty(values.String("domain")),
            DoneFile = NullIfEmpty(values.String("done-file")),
            JsonSummary = NullIfEmpty(values.String("json-summary")),
            KeepSessionOnStop = values.Flag("keep-session-on-stop"),
            RunOnce = values.Flag("run-once"),
            LogFile = NullIfEmpty(values.String("logfile")),
            PidFile = values.String("pidfile") ?? DefaultPidFile,
            MaxBytes = RequireAtLeast(values, "max_bytes", 0L),
            BackupCount = RequireAtLeast(values, "backup_count", 0),
            TmpDir = NullIfEmpty(values.String("tmpdir")) ?? DefaultTmpDir,
            RsyncPort = rsyncPort,
            StartPort = startPort,
            Host = NullIfEmpty(values.String("host")),
            Bind = NullIfEmpty(values.String("bind")),
            RsyncSecretFile = secretFile,
            Slots = RequireAtLeast(values, "slots", 1),
            Window = RequireAtLeast(values, "window", 1),
            Batch = RequireAtLeast(values, "batch", 1),
            ProgressInterval = TimeSpan.FromSeconds(RequireAtLeast(values, "progress-interval", 1)),
            ProgressFile = NullIfEmpty(values.String("progress-file")),
            LogLevel = CommonOptions.LogLevelOf(values),
            ConfigFiles = CommonOptions.ConfigFilesOf(values),
        };
    }

    /// <summary>
    /// Exactly one role. As in the original, <c>-S</c> with <c>-D</c> is an error; <c>--pathsonly</c> and
    /// <c>--state</c> take precedence over a redundant <c>-S</c> (they act on the source side).
    /// </summary>
    private static WorkerRole ValidateRole(OptionValues values)
    {
        var source = values.Flag("source");
        var destination = values.Flag("destination");
        var pathsOnly = values.Flag("pathsonly");
        var state = values.Flag("state");
        if (source && destination)
        {
            throw new UsageException("Client can not be the source AND the destination (-S and -D)");
        }

        if (pathsOnly && state)
        {
            throw new UsageException("--pathsonly and --state are different roles; give one");
        }

        if ((pathsOnly || state) && destination)
        {
            throw new UsageException($"{(state ? "--state" : "--pathsonly")} cannot be combined with -D/--destination");
        }

        if (state)
        {
            return WorkerRole.State;
        }

        if (pathsOnly)
        {
            return WorkerRole.PathsOnly;
        }

        if (source)
        {
            return WorkerRole.Source;
        }

        if (destination)
        {
            return WorkerRole.Destination;
        }

        throw new UsageException("No role given: use one of -S/--source, -D/--destination, --pathsonly, --state");
    }

    private static Regex? ParseRegex(OptionValues values)
    {
        var pattern = values.String("excludere");
        if (string.IsNullOrEmpty(pattern))
        {
            return null;
        }

        try
        {
            return new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(5));
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"{values.Origin("excludere")}: invalid regular expression '{pattern}': {e.Message}", e);
        }
    }

    private static void RequirePort(OptionValues values, string name, int port)
    {
        if (port is < 1 or > 65535)
        {
            throw new UsageException($"{values.Origin(name)}: {port} is not a TCP port (1-65535)");
        }
    }

    private static int RequireAtLeast(OptionValues values, string name, int minimum)
    {
        var value = values.Int(name);
        return value >= minimum
            ? value
            : throw new UsageException($"{values.Origin(name)}: {value} is less than {minimum}");
    }

    private static long RequireAtLeast(OptionValues values, string name, long minimum)
    {
        var value = values.Long(name);
        return value >= minimum
            ? value
            : throw new UsageException($"{values.Origin(name)}: {value} is less than {minimum}");
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
