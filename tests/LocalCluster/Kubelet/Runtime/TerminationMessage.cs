using System.Text;

namespace ZkSync.LocalCluster.Kubelet.Runtime;

/// <summary>
/// A terminated container's message, read back as the kubelet does (kuberuntime getTerminationMessage): the
/// last 4096 bytes of the termination message file; under <see cref="TerminationMessagePolicy.FallbackToLogsOnError"/>,
/// when the file is empty and the exit code not zero, the last 80 lines of the log, at most 2048 bytes.
/// </summary>
internal static class TerminationMessage
{
    public const int MaxFileBytes = 4096;
    public const int MaxLogLines = 80;
    public const int MaxLogBytes = 2048;

    public static async Task<string?> ReadAsync(
        string? path, TerminationMessagePolicy policy, int exitCode, ContainerLog log, CancellationToken cancellationToken)
    {
        var message = path is null ? "" : ReadTail(path);
        if (message.Length == 0 && policy == TerminationMessagePolicy.FallbackToLogsOnError && exitCode != 0)
        {
            using var tail = new MemoryStream();
            await log.WriteToAsync(tail, new ContainerLogReadOptions { TailLines = MaxLogLines, LimitBytes = MaxLogBytes }, cancellationToken)
                .ConfigureAwait(false);
            message = Encoding.UTF8.GetString(tail.ToArray());
        }

        return message.Length == 0 ? null : message;
    }

    private static string ReadTail(string path)
    {
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            var length = (int)Math.Min(file.Length, MaxFileBytes);
            file.Seek(-length, SeekOrigin.End);
            var bytes = new byte[length];
            file.ReadExactly(bytes);
            return Encoding.UTF8.GetString(bytes);
        }
        catch (FileNotFoundException)
        {
            return "";
        }
        catch (IOException e)
        {
            return $"Error on reading termination log {path}: {e.Message}";
        }
    }
}
