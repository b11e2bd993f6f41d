namespace ZkSync.LocalCluster.Kubelet.Runtime;

/// <summary>Cuts one output stream of a container into log records: a record per line, a partial record per
/// 16 KiB of a longer line and for what is left without a newline at the end (as containerd does).</summary>
internal sealed class LogLineSplitter(ContainerLog log, string stream, TimeProvider time)
{
    private readonly List<byte> _pending = [];

    public void Write(ReadOnlySpan<byte> data)
    {
        while (data.Length > 0)
        {
            var newline = data.IndexOf((byte)'\n');
            var segment = newline < 0 ? data : data[..newline];
            _pending.AddRange(segment);
            while (_pending.Count > ContainerLog.MaxRecordContent)
            {
                log.Append(time.GetUtcNow(), stream, _pending.GetRange(0, ContainerLog.MaxRecordContent).ToArray(), partial: true);
                _pending.RemoveRange(0, ContainerLog.MaxRecordContent);
            }

            if (newline < 0)
            {
                return;
            }

            log.Append(time.GetUtcNow(), stream, _pending.ToArray(), partial: false);
            _pending.Clear();
            data = data[(newline + 1)..];
        }
    }

    public void Flush()
    {
        if (_pending.Count > 0)
        {
            log.Append(time.GetUtcNow(), stream, _pending.ToArray(), partial: true);
            _pending.Clear();
        }
    }
}
