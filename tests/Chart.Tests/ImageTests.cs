using System.Text.Json;
using System.Text.RegularExpressions;
using ZkSync.Chart.Tests.Support;

namespace ZkSync.Chart.Tests;

/// <summary>
/// The Dockerfile cannot be built here; these keep what can be checked without Docker true: tests/e2e/build-image-dir.sh
/// publishes what the Dockerfile publishes the same way, and the image's configuration agrees with the chart's pods.
/// </summary>
public sealed partial class ImageTests
{
    private static string BuildImageDir => Path.Combine(Repository.EndToEnd, "build-image-dir.sh");

    [Fact]
    public void BuildImageDir_PublishesEachExecutableWithTheDockerfilesCommand()
    {
        var image = PublishCommands(File.ReadAllText(Repository.Dockerfile));
        var script = PublishCommands(File.ReadAllText(BuildImageDir));

        Assert.Equal(["src/Operator/Operator.csproj", "src/Worker/Worker.csproj"], image.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(image.OrderBy(p => p.Key, StringComparer.Ordinal), script.OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.Contains("-p:PublishAot=true", image["src/Worker/Worker.csproj"], StringComparison.Ordinal);
        Assert.Contains("-p:PublishReadyToRun=true", image["src/Operator/Operator.csproj"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dockerfile_RunsTheChartsOperatorArgsUnderTini_AsTheChartsNonRootUser()
    {
        var lastStage = Regex.Split(Joined(File.ReadAllText(Repository.Dockerfile)), @"(?im)^FROM\s").Last();
        var entrypoint = ExecForm(lastStage, "ENTRYPOINT");
        var cmd = ExecForm(lastStage, "CMD");
        var user = Regex.Match(lastStage, @"(?im)^USER\s+(\d+):(\d+)\s*$");

        Assert.Equal(["/usr/bin/tini", "--"], entrypoint);
        Assert.Matches(@"(?im)^RUN .*apt-get install .*\brsync\b.*\btini\b", lastStage);
        var manifests = await ChartRenderer.RenderAsync();
        var deployment = manifests.Single("Deployment", ChartRenderer.Release + "-zksync-operator");
        var container = Manifests.Container(deployment, "operator");
        Assert.Null(container["command"]);
        Assert.Equal(cmd, container["args"]!.AsArray().Select(a => (string?)a));
        Assert.True(user.Success, "the image's last stage names no numeric USER uid:gid");
        var podSecurity = Manifests.PodSpec(deployment)["securityContext"]!;
        Assert.Equal((long)podSecurity["runAsUser"]!, long.Parse(user.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal((long)podSecurity["runAsGroup"]!, long.Parse(user.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Project → options of every <c>dotnet publish</c> (without <c>-o</c>), as the shell sees them.</summary>
    private static Dictionary<string, string> PublishCommands(string text) =>
        PublishCommand().Matches(Joined(text).Replace("\"$root/", "\"", StringComparison.Ordinal).Replace("\"", "", StringComparison.Ordinal))
            .ToDictionary(m => m.Groups["project"].Value, m => WhiteSpace().Replace(m.Groups["options"].Value.Trim(), " "));

    private static string Joined(string text) => Regex.Replace(text, @"\\\r?\n", " ");

    private static string[] ExecForm(string stage, string instruction)
    {
        var match = Regex.Match(stage, $@"(?im)^{instruction}\s+(\[.*\])\s*$");
        Assert.True(match.Success, $"the image's last stage has no {instruction} in exec form");
        return JsonSerializer.Deserialize<string[]>(match.Groups[1].Value)!;
    }

    [GeneratedRegex(@"dotnet publish (?<project>\S+)(?<options>.*?) -o ")]
    private static partial Regex PublishCommand();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhiteSpace();
}
