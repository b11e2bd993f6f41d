using System.Globalization;
using System.Text;
using ZkSync.Contracts;

namespace ZkSync.Worker.Rsync;

/// <summary>
/// The processes zkrsync starts, as argument lists: the source's rsync push (the original's
/// <c>get_flags</c> + <c>run_rsync</c>), the destination's rsync daemon, and the <c>--netcat</c> test pair.
/// </summary>
public static class RsyncCommandBuilder
{
    /// <summary>The rsync program (looked up in PATH).</summary>
    public const string Rsync = "rsync";

    /// <summary>The netcat program (Debian's OpenBSD netcat).</summary>
    public const string Netcat = "nc";

    /// <summary>User name of the daemon's <c>auth users</c> when <c>--rsync-secret-file</c> is given.</summary>
    public const string AuthUser = "zkrsync";

    /// <summary>Client socket options: Nagle off, so the protocol's small messages are not held back.</summary>
    public const string SocketOptions = "--sockopts=TCP_NODELAY";

    /// <summary>Environment variable rsync reads the daemon password from (keeps it out of argv).</summary>
    public const string PasswordVariable = "RSYNC_PASSWORD";

    /// <summary>
    /// The original's flags, in its order: <c>--stats --numeric-ids -lptgoD --files-from=FILE [--from0] [-r]
    /// [--delete] [--checksum] [--drop-cache] [--hard-links] [--inplace] [--timeout N] [--verbose] [-n]
    /// [--arbitrary...]</c>. <c>--drop-cache</c> only when <paramref name="capabilities"/> lists it;
    /// <c>--from0</c> only for NUL-separated lists (names with newlines).
    /// </summary>
    public static IReadOnlyList<string> SourceFlags(
        RsyncSourceSettings settings, string filesFrom, bool recursive, RsyncCapabilities capabilities, bool nulSeparated = false) =>
        SourceFlags(settings, [FilesFromList.ListOption(filesFrom)], recursive, nulSeparated, capabilities);

    /// <summary>The same flags with the options of <paramref name="selection"/> in place of <c>--files-from</c>.</summary>
    public static IReadOnlyList<string> SourceFlags(
        RsyncSourceSettings settings, EntrySelection selection, string listFile, RsyncCapabilities capabilities)
    {
        ArgumentNullException.ThrowIfNull(selection);
        return SourceFlags(settings, selection.SelectionOptions(listFile), selection.Recursive, selection.NulSeparated, capabilities);
    }

    private static List<string> SourceFlags(
        RsyncSourceSettings settings, IReadOnlyList<string> selectionOptions, bool recursive, bool nulSeparated, RsyncCapabilities capabilities)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(capabilities);
        var flags = new List<string> { "--stats", "--numeric-ids", "-lptgoD" };
        flags.AddRange(selectionOptions);
        if (nulSeparated)
        {
            flags.Add("--from0");
        }

        if (recursive)
        {
            flags.Add("-r");
        }

        if (settings.Delete)
        {
            flags.Add("--delete");
        }

        if (settings.Checksum)
        {
            flags.Add("--checksum");
        }

        if (settings.DropCache && capabilities.SupportsDropCache)
        {
            flags.Add("--drop-cache");
        }

        if (settings.HardLinks)
        {
            flags.Add("--hard-links");
        }

        if (settings.InPlace)
        {
            flags.Add("--inplace");
        }

        if (settings.Timeout > 0)
        {
            flags.Add("--timeout");
            flags.Add(settings.Timeout.ToString(CultureInfo.InvariantCulture));
        }

        if (settings.Verbose)
        {
            flags.Add("--verbose");
        }

        if (settings.DryRun)
        {
            flags.Add("-n");
        }

        // Always last: "--" + the option with its first ':' turned into '='.
        foreach (var option in settings.ArbitOpts ?? [])
        {
            var colon = option.IndexOf(':', StringComparison.Ordinal);
            flags.Add("--" + (colon < 0 ? option : option[..colon] + "=" + option[(colon + 1)..]));
        }

        return flags;
    }

    /// <summary>
    /// <c>rsync &lt;flags&gt; &lt;base&gt;/ rsync://[zkrsync@]&lt;host&gt;:&lt;port&gt;/zkrs-&lt;session&gt;</c>, or with
    /// <see cref="SourceArguments"/> the entries in place of the base. With a secret, the password goes in
    /// <c>RSYNC_PASSWORD</c>, not in argv. With <paramref name="subPath"/> (<see cref="BatchSelection.SubPath"/>) the run goes
    /// from <c>&lt;base&gt;/&lt;subPath&gt;/</c> to that directory of the module (rsync makes it when missing).
    /// </summary>
    public static RsyncInvocation Source(
        RsyncSourceSettings settings,
        EntrySelection list,
        string listFile,
        string basePath,
        string destinationHost,
        int port,
        string session,
        RsyncCapabilities capabilities,
        string? secret = null,
        string? subPath = null)
    {
        ArgumentNullException.ThrowIfNull(list);
        ArgumentNullException.ThrowIfNull(basePath);
        var below = subPath is null ? string.Empty : subPath + "/";
        var arguments = new List<string>(SourceFlags(settings, list, listFile, capabilities));
        // Not the original's: without it every daemon transfer waits twice for a delayed ACK (about
        // 40 ms each on Linux), which dominates the many small transfers a session makes.
        arguments.Add(SocketOptions);
        arguments.AddRange(list.SourcePaths(basePath.TrimEnd('/') + "/" + below));
        arguments.Add(DaemonUrl(destinationHost, port, session, secret is null ? null : AuthUser) + (subPath is null ? string.Empty : "/" + below));
        var environment = secret is null
            ? new Dictionary<string, string>()
            : new Dictionary<string, string> { [PasswordVariable] = secret };
        return new RsyncInvocation(Rsync, arguments, environment);
    }

    /// <summary><c>rsync://[user@]host:port/zkrs-&lt;session&gt;</c>; IPv6 literals in brackets.</summary>
    public static string DaemonUrl(string host, int port, string session, string? user = null)
    {
        ArgumentNullException.ThrowIfNull(host);
        var h = host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('[') ? $"[{host}]" : host;
        var u = user is null ? string.Empty : user + "@";
        return string.Create(CultureInfo.InvariantCulture, $"rsync://{u}{h}:{port}/{ZnodeLayout.RsyncModule(session)}");
    }

    /// <summary>
    /// The daemon: <c>rsync --daemon --no-detach --config FILE --port PORT [--address BIND] [--drop-cache]</c>.
    /// </summary>
    public static RsyncInvocation Daemon(string configPath, int port, string? bind, bool dropCache, RsyncCapabilities capabilities)
    {
        ArgumentNullException.ThrowIfNull(capabilities);
        var arguments = new List<string>
        {
            "--daemon", "--no-detach", "--config", configPath, "--port", port.ToString(CultureInfo.InvariantCulture),
        };
        if (bind is not null)
        {
            arguments.Add("--address");
            arguments.Add(bind);
        }

        if (dropCache && capabilities.SupportsDropCache)
        {
            arguments.Add("--drop-cache");
        }

        return new RsyncInvocation(Rsync, arguments, new Dictionary<string, string>());
    }

    /// <summary>
    /// Where a destination's daemon keeps rsync's temporary files: a directory of this name at the top of the
    /// destination, hidden from clients and kept from their <c>--delete</c> by a daemon filter, with one
    /// subdirectory per destination process that it clears (<see cref="DaemonConfig"/>).
    /// </summary>
    public const string TempRoot = ".zkrsync-tmp";

    /// <summary>
    /// The daemon's config: <c>[zkrs-&lt;session&gt;]</c> with <c>path</c>, <c>read only = no</c>, <c>uid</c>/<c>gid</c>
    /// root (as the original) when the daemon runs as root, else no user switch and no chroot (symlinks kept
    /// as they are); plus <c>address</c> when binding, <c>log file</c>, <c>auth users</c>/<c>secrets file</c>/
    /// <c>strict modes</c> when a secret is used, and with <paramref name="tempDir"/> a <c>temp dir</c> of
    /// <see cref="TempRoot"/>/<paramref name="tempDir"/> (rsync's <c>.name.XXXXXX</c> files then never land in the
    /// user's tree): the filter hides <see cref="TempRoot"/> from clients and from their deletions, and admits the
    /// temp dir (rsync refuses a temp dir its daemon filter excludes). rsyncd.conf has no quoting, so values may not
    /// contain line breaks.
    /// </summary>
    public static string DaemonConfig(
        string session, string path, string? bind = null, string? secretsFile = null, string? logFile = null, string? tempDir = null, bool asRoot = true)
    {
        foreach (var value in new[] { path, bind, secretsFile, logFile, tempDir })
        {
            if (value is not null && value.AsSpan().IndexOfAny('\n', '\r', '\0') >= 0)
            {
                throw new ArgumentException("rsyncd.conf values cannot contain line breaks or NUL", nameof(path));
            }
        }

        if (tempDir is not null && (tempDir.Length == 0 || tempDir.AsSpan().IndexOfAny("/ *?[]\\") >= 0 || tempDir is "." or ".."))
        {
            throw new ArgumentException($"not a plain directory name: {tempDir}", nameof(tempDir));
        }

        var sb = new StringBuilder();

        // The daemon's half of the client's --sockopts=TCP_NODELAY.
        sb.Append("socket options = TCP_NODELAY\n");
        if (bind is not null)
        {
            sb.Append("address = ").Append(bind).Append('\n');
        }

        if (logFile is not null)
        {
            sb.Append("log file = ").Append(logFile).Append('\n');
        }

        sb.Append('[').Append(ZnodeLayout.RsyncModule(session)).Append("]\n");
        sb.Append("path = ").Append(path).Append('\n');
        sb.Append("read only = no\n");
        if (asRoot)
        {
            sb.Append("uid = root\n");
            sb.Append("gid = root\n");
        }
        else
        {
            // Not root: no user to switch to and no chroot; without a chroot rsync would munge symlinks by default.
            sb.Append("use chroot = no\n");
            sb.Append("munge symlinks = no\n");
        }

        if (tempDir is not null)
        {
            sb.Append("temp dir = /").Append(TempRoot).Append('/').Append(tempDir).Append('\n');
            sb.Append("filter = + /").Append(TempRoot).Append('/').Append(tempDir).Append("/ - /").Append(TempRoot).Append("/\n");
        }

        if (secretsFile is not null)
        {
            sb.Append("auth users = ").Append(AuthUser).Append('\n');
            sb.Append("secrets file = ").Append(secretsFile).Append('\n');
            sb.Append("strict modes = yes\n");
        }

        return sb.ToString();
    }

    /// <summary>The daemon's secrets file content for <paramref name="secret"/> (write it with mode 0600).</summary>
    public static string SecretsFileContent(string secret) => $"{AuthUser}:{secret}\n";

    /// <summary>The shared secret from <c>--rsync-secret-file</c>: its first line, surrounding whitespace removed.</summary>
    /// <exception cref="InvalidDataException">An empty secret.</exception>
    public static string ReadSecret(string fileText)
    {
        ArgumentNullException.ThrowIfNull(fileText);
        var secret = fileText.ReplaceLineEndings("\n").Split('\n')[0].Trim();
        return secret.Length == 0 ? throw new InvalidDataException("the rsync secret file is empty") : secret;
    }

    /// <summary>
    /// Netcat test, source side: <c>nc -N HOST PORT</c> fed the original's message on stdin (no shell).
    /// <c>-N</c> closes the connection at end of input; without it OpenBSD netcat waits forever.
    /// </summary>
    public static RsyncInvocation NetcatSource(string host, int port, string whoami, string path, IReadOnlyList<string> flags)
    {
        ArgumentNullException.ThrowIfNull(flags);
        var message = $"{whoami} is sending {path} with flags \"{string.Join(' ', flags)}\"\n";
        return new RsyncInvocation(
            Netcat,
            ["-N", host, port.ToString(CultureInfo.InvariantCulture)],
            new Dictionary<string, string>(),
            Encoding.UTF8.GetBytes(message));
    }

    /// <summary>
    /// Netcat test, destination side: <c>nc -d -l -k [BIND] PORT</c> (keep listening, never read stdin).
    /// </summary>
    public static RsyncInvocation NetcatDestination(string? bind, int port)
    {
        var arguments = new List<string> { "-d", "-l", "-k" };
        if (bind is not null)
        {
            arguments.Add(bind);
        }

        arguments.Add(port.ToString(CultureInfo.InvariantCulture));
        return new RsyncInvocation(Netcat, arguments, new Dictionary<string, string>());
    }
}
