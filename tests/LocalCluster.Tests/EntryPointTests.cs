using System.Diagnostics;
using Xunit.Abstractions;
using ZkSync.LocalCluster.Tests.Support;

namespace ZkSync.LocalCluster.Tests;

/// <summary>The executable a person starts by hand: <c>--kubeconfig PATH</c> and its images, serves (API server,
/// controllers, kubelet) until SIGTERM, then stops cleanly.</summary>
public sealed class EntryPointTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Executable_WritesItsKubeconfig_RunsPodsOfItsImages_AndStopsCleanlyOnSigterm()
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
            var image = Directory.CreateDirectory(Path.Combine(directory, "image")).FullName;
            await File.WriteAllTextAsync(Path.Combine(image, "image.json"), """{"entrypoint": ["sh", "-c"], "cmd": ["echo from the image cmd"]}""");
            start.ArgumentList.Add("--image");
            start.ArgumentList.Add($"example.test/hello={image}");
            start.ArgumentList.Add("--data-dir");
            start.ArgumentList.Add(Path.Combine(directory, "data"));
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync();
            try
            {
                using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(150));
                var banner = await process.StandardOutput.ReadLineAsync(deadline.Token);
                Assert.StartsWith("local API server at https://127.0.0.1:", banner, StringComparison.Ordinal);
                Assert.True(File.Exists(kubeconfig));
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(kubeconfig));

                var kubectl = new Kubectl(kubeconfig, Path.Combine(directory, "cache"), null);
                var namespaces = await kubectl.RunAsync("get", "namespaces", "-o", "name");
                Assert.Contains("namespace/kube-system", namespaces, StringComparison.Ordinal);
                Assert.Equal("node/node-1 node/node-2 node/node-3", (await kubectl.RunAsync("get", "nodes", "-o", "name")).ReplaceLineEndings(" ").Trim());

                // The controllers and the kubelet run too: a Job's pod runs the mapped image's entrypoint and cmd.
                await kubectl.RunAsync("create", "job", "hello", "--image=example.test/hello");
                await kubectl.RunAsync("wait", "--for=condition=Complete", "--timeout=90s", "job/hello");
                Assert.Equal("from the image cmd", (await kubectl.RunAsync("logs", "job/hello")).Trim());

                using (var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) } })!)
                {
                    await kill.WaitForExitAsync(deadline.Token);
                }

                var rest = await process.StandardOutput.ReadToEndAsync(deadline.Token);
                await process.WaitForExitAsync(deadline.Token);
                Assert.Equal(0, process.ExitCode);
                Assert.Contains("stopping", rest, StringComparison.Ordinal);
                Assert.False(Directory.Exists(Path.Combine(directory, "data", "kubelet")));
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
