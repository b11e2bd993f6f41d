namespace ZkSync.Worker.Local;

/// <summary>
/// One worker of <c>zkrsync local</c> (a source or a destination) and its command line: what a Job's pod is to
/// the operator. A worker that crashed is started again with the same command line (as a Job restarts its
/// pod), up to <see cref="MaxRestarts"/> times, after a back-off that doubles from <see cref="FirstBackOff"/>.
/// </summary>
internal sealed class WorkerSlot
{
    public const int MaxRestarts = 3;

    public static readonly TimeSpan FirstBackOff = TimeSpan.FromSeconds(1);

    private readonly string _program;
    private readonly IReadOnlyList<string> _arguments;
    private readonly IReadOnlyDictionary<string, string> _environment;
    private readonly List<ChildProcess> _started = [];

    public WorkerSlot(string name, string program, IReadOnlyList<string> arguments, string logFile, IReadOnlyDictionary<string, string> environment)
    {
        Name = name;
        _program = program;
        _arguments = arguments;
        LogFile = logFile;
        _environment = environment;
        Start();
    }

    public string Name { get; }

    public string LogFile { get; }

    /// <summary>The process running now (or the last one, once it exited).</summary>
    public ChildProcess Current => _started[^1];

    /// <summary>Every process this slot started, the current one last.</summary>
    public IReadOnlyList<ChildProcess> Started => _started;

    /// <summary>How often this worker was started again.</summary>
    public int Restarts => _started.Count - 1;

    /// <summary>The back-off before the next restart: 1 s, 2 s, 4 s...</summary>
    public TimeSpan NextBackOff => FirstBackOff * (1 << Math.Min(Restarts, 16));

    public bool CanRestart => Restarts < MaxRestarts;

    /// <summary>Whether an exit code is a crash a restart may cure: not a finished role (0, 3), not a usage error
    /// (2: the same command line fails the same way), not a worker stopped on purpose (4: a signal someone sent it, or a
    /// master with --keep-session-on-stop that suspended the session; a Job would replace that pod, but here the user
    /// who stopped it is at the terminal, and the private ZooKeeper that would keep a suspended session goes with the run).</summary>
    public static bool IsCrash(int exitCode) =>
        exitCode is not (Contracts.ExitCodes.Success or Contracts.ExitCodes.PathsFailed or Contracts.ExitCodes.Usage or Contracts.ExitCodes.Stopped);

    /// <summary>Starts the worker (again), with the same command line and log file.</summary>
    public ChildProcess Start()
    {
        var process = ChildProcess.Start(Name, _program, _arguments, LogFile, _environment, ownSession: true);
        _started.Add(process);
        return process;
    }
}
