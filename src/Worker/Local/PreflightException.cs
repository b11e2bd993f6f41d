namespace ZkSync.Worker.Local;

/// <summary>A reason not to start a local session, meant to be printed as one line.</summary>
internal sealed class PreflightException(string message) : Exception(message);
