using System.Globalization;
using System.Text;

namespace ZkSync.LocalCluster.Kubelet.Runtime;

/// <summary>
/// The log of one container instance, stored as the CRI runtimes store it (one record per line:
/// <c>TIMESTAMP STREAM P|F CONTENT</c>, P for a partial line, F for the end of one) in
/// <c>logs/NAME/RESTARTCOUNT.log</c> under the pod's directory, and read back as the kubelet serves
/// <c>kubectl logs</c> (pkg/kubelet/kuberuntime/logs).
/// </summary>
public sealed class ContainerLog
{
    /// <summary>The longest record a runtime writes; a longer line is split into partial records.</summary>
    internal const int MaxRecordContent = 16 * 1024;

    private const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'00Z'";
    private readonly Lock _gate = new();
    private FileStream? _writer;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _complete;

    private ContainerLog(string path, FileStream? writer)
    {
        Path = path;
        _writer = writer;
        _complete = writer is null;
    }

    /// <summary>A new log an instance writes.</summary>
    internal static ContainerLog Create(string path) =>
        new(path, new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete));

    /// <summary>The log of an instance that has ended.</summary>
    internal static ContainerLog OpenComplete(string path) => new(path, null);

    /// <summary>The log file.</summary>
    public string Path { get; }

    /// <summary>Whether the instance has ended and the log will not grow.</summary>
    public bool IsComplete
    {
        get
        {
            lock (_gate)
            {
                return _complete;
            }
        }
    }

    /// <summary>Writes the log to <paramref name="destination"/> as <c>kubectl logs</c> shows it: the content of each
    /// line (both streams, in order), with the timestamp first when asked.</summary>
    public async Task WriteToAsync(Stream destination, ContainerLogReadOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(options);
        await using var file = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var reader = new RecordReader(file);
        var remaining = options.LimitBytes ?? long.MaxValue;
        var atLineStart = true;
        var first = true;
        while (remaining > 0)
        {
            Task changed;
            lock (_gate)
            {
                changed = _changed.Task;
            }

            var complete = IsComplete;
            var records = await reader.ReadAvailableAsync(cancellationToken).ConfigureAwait(false);
            if (first && options.TailLines is { } tail)
            {
                records = records.Skip(Math.Max(0, records.Count - (int)Math.Min(tail, int.MaxValue))).ToList();
            }

            first = false;
            foreach (var record in records)
            {
                if (options.SinceTime is { } since && record.Time < since)
                {
                    continue;
                }

                var output = new List<byte>(record.Content.Length + 40);
                if (options.Timestamps && atLineStart)
                {
                    output.AddRange(Encoding.ASCII.GetBytes(FormatTime(record.Time) + " "));
                }

                output.AddRange(record.Content);
                if (!record.Partial)
                {
                    output.Add((byte)'\n');
                }

                atLineStart = !record.Partial;
                var count = (int)Math.Min(output.Count, remaining);
                await destination.WriteAsync(output.ToArray().AsMemory(0, count), cancellationToken).ConfigureAwait(false);
                remaining -= count;
                if (remaining == 0)
                {
                    break;
                }
            }

            if (!options.Follow || complete)
            {
                break;
            }

            await destination.FlushAsync(cancellationToken).ConfigureAwait(false);
            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>RFC 3339 with nine fractional digits, as the kubelet prints timestamps (RFC3339NanoFixed).</summary>
    internal static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture);

    internal void Append(DateTimeOffset time, string stream, ReadOnlySpan<byte> content, bool partial)
    {
        var prefix = Encoding.ASCII.GetBytes($"{FormatTime(time)} {stream} {(partial ? 'P' : 'F')} ");
        var record = new byte[prefix.Length + content.Length + 1];
        prefix.CopyTo(record, 0);
        content.CopyTo(record.AsSpan(prefix.Length));
        record[^1] = (byte)'\n';
        TaskCompletionSource changed;
        lock (_gate)
        {
            if (_writer is null)
            {
                return;
            }

            _writer.Write(record);
            _writer.Flush();
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }

    internal void Complete()
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            _writer?.Dispose();
            _writer = null;
            _complete = true;
            changed = _changed;
        }

        changed.TrySetResult();
    }

    private sealed record LogRecord(DateTimeOffset Time, byte[] Content, bool Partial);

    /// <summary>Reads whole records from where it last stopped.</summary>
    private sealed class RecordReader(FileStream file)
    {
        private readonly List<byte> _pending = [];

        public async Task<List<LogRecord>> ReadAvailableAsync(CancellationToken cancellationToken)
        {
            var buffer = new byte[64 * 1024];
            int read;
            while ((read = await file.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                _pending.AddRange(buffer.AsSpan(0, read));
            }

            var records = new List<LogRecord>();
            var start = 0;
            int end;
            while ((end = _pending.IndexOf((byte)'\n', start)) >= 0)
            {
                if (Parse(_pending.GetRange(start, end - start).ToArray()) is { } record)
                {
                    records.Add(record);
                }

                start = end + 1;
            }

            _pending.RemoveRange(0, start);
            return records;
        }

        private static LogRecord? Parse(byte[] line)
        {
            // TIMESTAMP SP STREAM SP TAG SP CONTENT
            var first = Array.IndexOf(line, (byte)' ');
            var second = first < 0 ? -1 : Array.IndexOf(line, (byte)' ', first + 1);
            if (second < 0 || second + 2 > line.Length
                || !DateTimeOffset.TryParse(Encoding.ASCII.GetString(line, 0, first), CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal, out var time))
            {
                return null;
            }

            var partial = line[second + 1] == (byte)'P';
            var contentStart = Math.Min(second + 3, line.Length);
            return new LogRecord(time, line[contentStart..], partial);
        }
    }
}
