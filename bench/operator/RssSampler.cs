namespace ZkSync.Benchmarks.Operator;

/// <summary>Samples the operator's resident memory every 200 ms and keeps the peak.</summary>
internal sealed class RssSampler : IDisposable
{
    private readonly OperatorProcess _process;
    private readonly Timer _timer;
    private long _peak;

    public RssSampler(OperatorProcess process)
    {
        _process = process;
        _timer = new Timer(_ => Sample(), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(200));
    }

    public long Peak
    {
        get
        {
            Sample();
            return Interlocked.Read(ref _peak);
        }
    }

    public void Dispose() => _timer.Dispose();

    private void Sample()
    {
        var now = _process.ResidentBytes();
        long seen;
        while (now > (seen = Interlocked.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, now, seen) != seen)
        {
        }
    }
}
