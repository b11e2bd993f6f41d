using System.Runtime.InteropServices;

namespace ZkSync.Worker.Coordination;

/// <summary>SIGTERM, SIGINT and SIGQUIT cancel <see cref="Token"/> instead of killing the process, so a
/// worker can stop its rsync, give back what it holds and leave the session cleanly.</summary>
internal sealed class ShutdownSignals : IDisposable
{
    private readonly CancellationTokenSource _requested = new();
    private readonly CancellationTokenSource _repeated = new();
    private readonly PosixSignalRegistration[] _registrations;

    public ShutdownSignals()
    {
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGQUIT, OnSignal),
        ];
    }

    public CancellationToken Token => _requested.Token;

    /// <summary>Cancelled by a second signal: the user insists (zkrsync local then kills instead of stopping in order).</summary>
    public CancellationToken Repeated => _repeated.Token;

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _requested.Dispose();
        _repeated.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        if (_requested.IsCancellationRequested)
        {
            _repeated.Cancel();
        }

        _requested.Cancel();
    }
}
