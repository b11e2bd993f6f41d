using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using ZkSync.Worker.Walk;

namespace ZkSync.Worker.Cli;

/// <summary>
/// Everything a <c>zkrsync</c> process was told, validated. Names follow the original's options; see
/// <see cref="ZkRsyncOptionsParser"/> for sources and defaults. <see cref="ToString"/> hides the password.
/// </summary>
public sealed record ZkRsyncOptions
{
    // ZooKeeper connection
    public required IReadOnlyList<string> Servers { get; init; }
    public required string User { get; init; }
    public required string Passwd { get; init; }
    public required TimeSpan ConnectTimeout { get; init; }

    /// <summary>The ZooKeeper session timeout asked for (the original's 10 s).</summary>
    public TimeSpan SessionTimeout { get; init; } = TimeSpan.FromSeconds(10);

    // Role and session
    public required WorkerRole Role { get; init; }
    public required string Session { get; init; }
    public required bool Netcat { get; init; }
    public required bool DryRun { get; init; }

    /// <summary>Base path (trailing <c>/</c> removed); null only for <c>--state</c>.</summary>
    public required string? RsyncPath { get; init; }

    // Path building
    public required IReadOnlyList<RSubPath> RSubPaths { get; init; }
    public required Regex? ExcludeRe { get; init; }
    public required string? ExclUsr { get; init; }

    /// <summary><see cref="ExclUsr"/> resolved (null: exclusions apply to any owner).</summary>
    public required uint? ExclUid { get; init; }
    public required int Depth { get; init; }

    // rsync flags (sources)
    public required bool Delete { get; init; }
    public required bool Checksum { get; init; }
    public required bool HardLinks { get; init; }
    public required bool InPlace { get; init; }
    public required bool DropCache { get; init; }
    public required int Timeout { get; init; }
    public required bool Verbose { get; init; }

    /// <summary>Name every batch's entries in a <c>--files-from</c> list, as the original (instead of on rsync's command line).</summary>
    public required bool FilesFrom { get; init; }
    public required IReadOnlyList<string> ArbitOpts { get; init; }

    // Individual client
    public required bool VerifyPath { get; init; }
    public required bool Daemon { get; init; }
    public required string? Domain { get; init; }
    public required string? DoneFile { get; init; }
    public required string? LogFile { get; init; }
    public required string PidFile { get; init; }
    public required long MaxBytes { get; init; }
    public required int BackupCount { get; init; }
    public required string TmpDir { get; init; }
    public required string? JsonSummary { get; init; }

    /// <summary>A master stopped by a signal suspends the session (workers stopped, queue and counts kept) instead of ending it.</summary>
    public required bool KeepSessionOnStop { get; init; }

    /// <summary>A master that finds the summary of a finished run of its session ends with that run's result instead of
    /// starting the session again (by hand a session name is reused for the next pass; the operator names each pass).</summary>
    public required bool RunOnce { get; init; }

    // Destination
    public required int? RsyncPort { get; init; }
    public required int StartPort { get; init; }

    /// <summary>Address destinations advertise; null: the fully qualified host name (or <c>short.domain</c>).</summary>
    public required string? Host { get; init; }

    /// <summary>Address the rsync daemon listens on; null: the advertised address.</summary>
    public required string? Bind { get; init; }
    public required string? RsyncSecretFile { get; init; }

    // Scheduling (sources / master)
    public required int Slots { get; init; }
    public required int Window { get; init; }

    /// <summary>Most path entries of one kind a source sends in one rsync run.</summary>
    public required int Batch { get; init; }

    /// <summary>How often the master reports progress.</summary>
    public required TimeSpan ProgressInterval { get; init; }

    /// <summary>Where the master writes each progress report as JSON (for <c>zkrsync local</c>'s display).</summary>
    public required string? ProgressFile { get; init; }

    // Framework
    public required LogLevel LogLevel { get; init; }
    public required IReadOnlyList<string> ConfigFiles { get; init; }

    /// <summary>The path walk this process's options describe (source base, depth, exclusions, subpaths).</summary>
    public PathWalkOptions ToWalkOptions() =>
        new(RawPath.FromString(RsyncPath ?? throw new InvalidOperationException("no --rsyncpath")), Depth, ExcludeRe, ExclUid, RSubPaths);

    /// <summary>The original's <c>rstype</c> used in <c>--logfile</c>/<c>--pidfile</c> templates.</summary>
    public string RsType => Role switch
    {
        WorkerRole.Source => "source",
        WorkerRole.Destination => "dest",
        _ => "None",
    };

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Role = ").Append(Role)
            .Append(", Session = ").Append(Session)
            .Append(", Servers = ").Append(string.Join(',', Servers))
            .Append(", User = ").Append(User)
            .Append(", Passwd = ***")
            .Append(", RsyncPath = ").Append(RsyncPath)
            .Append(", Depth = ").Append(Depth);
        return true;
    }
}
