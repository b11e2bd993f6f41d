using Microsoft.Extensions.Logging;

namespace ZkSync.LocalCluster.Kubelet.Runtime;

/// <summary>The process runtime's log messages.</summary>
internal static partial class RuntimeLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Pod {Pod} started: sandbox process {SandboxPid}")]
    public static partial void PodStarted(ILogger logger, string pod, int sandboxPid);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Pod {Pod} ended ({State})")]
    public static partial void PodEnded(ILogger logger, string pod, PodSandboxState state);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Container {Container} of pod {Pod} started (restart {RestartCount}, process {Pid})")]
    public static partial void ContainerStarted(ILogger logger, string pod, string container, int restartCount, int pid);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Container {Container} of pod {Pod} exited with {ExitCode} ({Reason})")]
    public static partial void ContainerExited(ILogger logger, string pod, string container, int exitCode, string reason);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Container {Container} of pod {Pod} could not start: {Message}")]
    public static partial void ContainerNotStarted(ILogger logger, string pod, string container, string message);

    [LoggerMessage(EventId = 6, Level = LogLevel.Debug, Message = "{Kind} probe of container {Container} of pod {Pod} failed: {Message}")]
    public static partial void ProbeFailed(ILogger logger, ProbeKind kind, string pod, string container, string message);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "A pod sandbox listener failed")]
    public static partial void ListenerFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 8, Level = LogLevel.Warning, Message = "Could not remove {Path}")]
    public static partial void RemoveFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 9, Level = LogLevel.Warning, Message = "Killed sandbox process {Pid} left behind by an earlier runtime in {Directory}")]
    public static partial void StaleSandboxKilled(ILogger logger, int pid, string directory);

    [LoggerMessage(EventId = 11, Level = LogLevel.Error, Message = "Could not stop container {Container} of pod {Pod}")]
    public static partial void StopFailed(ILogger logger, string pod, string container, Exception exception);

    [LoggerMessage(EventId = 10, Level = LogLevel.Error, Message = "Pod {Pod} failed")]
    public static partial void PodFailed(ILogger logger, string pod, Exception exception);
}
