using System.Globalization;
using System.Text;

namespace ZkSync.Testing;

/// <summary>Thread-safe, append-only text log of a process's output over all its runs.</summary>
internal sealed class ProcessLog
{
    private readonly Lock _gate = new();
    private readonly StringBuilder _text = new();

    public void AppendLine(string line)
    {
        lock (_gate)
        {
            _text.Append(line).Append('\n');
        }
    }

    public void AppendMarker(string message) =>
        AppendLine(string.Create(CultureInfo.InvariantCulture, $"===== {DateTimeOffset.Now:HH:mm:ss.fff} {message} ====="));

    public override string ToString()
    {
        lock (_gate)
        {
            return _text.ToString();
        }
    }

    /// <summary>The last <paramref name="lines"/> lines, for exception messages.</summary>
    public string Tail(int lines)
    {
        var all = ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
    }
}
