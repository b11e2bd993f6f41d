using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using ZkSync.LocalCluster.Tests.Support;

namespace ZkSync.EndToEnd.Tests.Support;

/// <summary>
/// The image's executables for the local cluster, made by <c>tests/e2e/build-image-dir.sh</c> (the Dockerfile's two
/// publishes: minutes of NativeAOT and ReadyToRun work). Kept under <c>.build/e2e-image/KEY</c>, KEY a hash of every
/// input of that publish (the sources under src/, the build props, global.json, the Dockerfile and the script), so a
/// run reuses the last build only while nothing it was built from has changed.
/// </summary>
public static class ImageDirectory
{
    private static readonly string[] SourceExtensions = [".cs", ".csproj", ".props", ".targets", ".json", ".xml", ".resx"];

    public static async Task<string> EnsureAsync(CancellationToken cancellationToken)
    {
        var cache = Directory.CreateDirectory(Path.Combine(Repository.Root, ".build", "e2e-image")).FullName;
        var key = SourceKey();
        var image = Path.Combine(cache, key);
        // One build at a time per repository: a second test run waits for the first's and then reuses it.
        await using var lockFile = await LockAsync(Path.Combine(cache, ".lock"), cancellationToken).ConfigureAwait(false);
        if (File.Exists(Path.Combine(image, "image.json")) && File.Exists(Path.Combine(image, ".complete")))
        {
            return image;
        }

        var partial = Path.Combine(cache, $"{key}.partial");
        if (Directory.Exists(partial))
        {
            Directory.Delete(partial, recursive: true);
        }

        var result = await CommandRunner.RunAsync(Path.Combine(Repository.EndToEndScripts, "build-image-dir.sh"), [partial],
            new Dictionary<string, string>(), null, TimeSpan.FromMinutes(20), cancellationToken).ConfigureAwait(false);
        result.EnsureSuccess();
        File.WriteAllText(Path.Combine(partial, ".complete"), key + "\n");
        foreach (var stale in Directory.EnumerateDirectories(cache).Where(d => d != partial))
        {
            Directory.Delete(stale, recursive: true);
        }

        Directory.Move(partial, image);
        return image;
    }

    /// <summary>A hash of the publish's inputs: relative paths and contents, in ordinal order.</summary>
    private static string SourceKey()
    {
        var files = Directory.EnumerateFiles(Path.Combine(Repository.Root, "src"), "*", SearchOption.AllDirectories)
            .Where(f => SourceExtensions.Contains(Path.GetExtension(f), StringComparer.Ordinal))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Concat(new[] { "Directory.Build.props", "Directory.Packages.props", "global.json", "Dockerfile", "tests/e2e/build-image-dir.sh" }
                .Select(f => Path.Combine(Repository.Root, f)).Where(File.Exists))
            .Select(f => Path.GetRelativePath(Repository.Root, f))
            .Order(StringComparer.Ordinal);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in files)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(file + "\0"));
            hash.AppendData(File.ReadAllBytes(Path.Combine(Repository.Root, file)));
            hash.AppendData("\0"u8);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }

    private static async Task<FileStream> LockAsync(string path, CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (waited.Elapsed < TimeSpan.FromMinutes(25))
            {
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
