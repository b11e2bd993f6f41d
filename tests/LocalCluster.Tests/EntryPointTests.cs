using System.Diagnostics;
using Xunit.Abstractions;
using ZkSync.LocalCluster.Tests.Support;

namespace ZkSync.LocalCluster.Tests;

/// <summary>The executable a person starts by hand: <c>--kubeconfig PATH</c>, serves until SIGTERM, then stops cleanly.</summary>
public sealed class EntryPointTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Executable_WritesItsKubeconfigOnceServing_AndStopsCleanlyOnSigterm()
    {
        var directory = Directory.CreateTempSubdirectory("local-cluster-exe-").FullName;
        try
        {
            var kubeconfig = Path.Combine(directory, "config");
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ZkSync.LocalCluster.dll"));
            start.ArgumentList.Add("--kubeconfig");
            start.ArgumentList.Add(kubeconfig);
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync();
            try
            {
                using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
                var banner = await process.StandardOutput.ReadLineAsync(deadline.Token);
                Assert.StartsWith("local API server at https://127.0.0.1:", banner, StringComparison.Ordinal);
                Assert.True(File.Exists(kubeconfig));
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(kubeconfig));

                var kubectl = new Kubectl(kubeconfig, Path.Combine(directory, "cache"), null);
                var namespaces = await kubectl.RunAsync("get", "namespaces", "-o", "name");
                Assert.Contains("namespace/kube-system", namespaces, StringComparison.Ordinal);

                using (var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) } })!)
                {
                    await kill.WaitForExitAsync(deadline.Token);
                }

                var rest = await process.StandardOutput.ReadToEndAsync(deadline.Token);
                await process.WaitForExitAsync(deadline.Token);
                Assert.Equal(0, process.ExitCode);
                Assert.Contains("stopping", rest, StringComparison.Ordinal);
            }
            finally
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }

                output.WriteLine(await error);
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Executable_WithoutKubeconfig_PrintsUsageAndExits2()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ZkSync.LocalCluster.dll"));
        start.ArgumentList.Add("--port");
        using var process = Process.Start(start)!;
        var usage = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(2, process.ExitCode);
        Assert.Contains("usage: dotnet run --project tests/LocalCluster -- --kubeconfig PATH", usage, StringComparison.Ordinal);
    }
}
