using System.Diagnostics;

namespace ZkSync.Worker.Rsync;

/// <summary>
/// A process to start: program, argument list (never a shell string), extra environment (e.g.
/// <c>RSYNC_PASSWORD</c>, kept out of argv) and optional bytes for its standard input.
/// </summary>
public sealed record RsyncInvocation(
    string FileName,
    IReadOnlyList<string> Arguments,
    IReadOnlyDictionary<string, string> Environment,
    byte[]? StandardInput = null)
{
    /// <summary>A <see cref="ProcessStartInfo"/> using <see cref="ProcessStartInfo.ArgumentList"/>, output redirected.</summary>
    public ProcessStartInfo ToStartInfo()
    {
        var info = new ProcessStartInfo(FileName)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = StandardInput is not null,
        };
        foreach (var argument in Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in Environment)
        {
            info.Environment[key] = value;
        }

        return info;
    }

    /// <summary>The command for log lines, secrets excluded (environment values are never shown).</summary>
    public override string ToString() => string.Join(' ', new[] { FileName }.Concat(Arguments).Select(Quote));

    private static string Quote(string s) =>
        s.Length > 0 && s.All(c => char.IsAsciiLetterOrDigit(c) || "-_=./:,@%+".Contains(c, StringComparison.Ordinal))
            ? s
            : "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
