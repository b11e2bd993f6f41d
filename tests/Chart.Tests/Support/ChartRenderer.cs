using System.Collections.Concurrent;
using ZkSync.LocalCluster.Tests.Support;

namespace ZkSync.Chart.Tests.Support;

/// <summary><c>helm template</c> and <c>helm lint</c> of the chart (the real helm, no cluster).</summary>
public static class ChartRenderer
{
    public const string Release = "zs";
    public const string Namespace = "zksync";

    private static readonly ConcurrentDictionary<string, Task<string>> Rendered = new(StringComparer.Ordinal);

    /// <summary>The variants the chart's README documents: default values and every file in the chart's ci/ folder.</summary>
    public static IReadOnlyList<string> Variants { get; } =
        ["default", .. Directory.GetFiles(Path.Combine(Repository.Chart, "ci"), "*-values.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal)!];

    public static TheoryData<string> VariantData => [.. Variants];

    /// <summary>The arguments that select a variant's values.</summary>
    public static string[] ValuesOf(string variant) =>
        variant == "default" ? [] : ["--values", Path.Combine(Repository.Chart, "ci", variant)];

    /// <summary>helm template's output, parsed afresh for each caller (tests may change what they get); the output of
    /// the same arguments is rendered once per test run, since most tests render the same few variants.</summary>
    public static async Task<Manifests> RenderAsync(params string[] arguments) =>
        Manifests.Parse(await Rendered.GetOrAdd(string.Join('\0', arguments), _ => RenderOnceAsync(arguments)).ConfigureAwait(false));

    private static async Task<string> RenderOnceAsync(string[] arguments) =>
        (await TemplateAsync(arguments).ConfigureAwait(false)).EnsureSuccess().Output;

    public static Task<Manifests> RenderVariantAsync(string variant, params string[] arguments) =>
        RenderAsync([.. ValuesOf(variant), .. arguments]);

    /// <summary>A variant rendered for another release namespace.</summary>
    public static async Task<Manifests> RenderVariantInAsync(string ns, string variant) =>
        Manifests.Parse((await RunHelmAsync(["template", Release, Repository.Chart, "--namespace", ns, .. ValuesOf(variant)]).ConfigureAwait(false))
            .EnsureSuccess().Output);

    /// <summary>helm template; a failure is returned, not thrown.</summary>
    public static Task<CommandResult> TemplateAsync(params string[] arguments) =>
        RunHelmAsync(["template", Release, Repository.Chart, "--namespace", Namespace, .. arguments]);

    public static Task<CommandResult> LintAsync(params string[] arguments) =>
        RunHelmAsync(["lint", "--strict", Repository.Chart, "--namespace", Namespace, .. arguments]);

    private static async Task<CommandResult> RunHelmAsync(string[] arguments)
    {
        var home = Directory.CreateTempSubdirectory("chart-tests-helm-");
        try
        {
            var environment = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["HELM_CACHE_HOME"] = Path.Combine(home.FullName, "cache"),
                ["HELM_CONFIG_HOME"] = Path.Combine(home.FullName, "config"),
                ["HELM_DATA_HOME"] = Path.Combine(home.FullName, "data"),
            };
            return await CommandRunner.RunAsync(ClientTools.Helm, arguments, environment, null, TimeSpan.FromSeconds(60), CancellationToken.None)
                .ConfigureAwait(false);
        }
        finally
        {
            home.Delete(recursive: true);
        }
    }
}
