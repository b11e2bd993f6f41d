using ZkSync.Chart.Tests.Support;

namespace ZkSync.Chart.Tests;

/// <summary><c>helm lint --strict</c> of every variant the chart's README documents (default values and ci/*-values.yaml).</summary>
public sealed class ChartLintTests
{
    [Theory]
    [MemberData(nameof(ChartRenderer.VariantData), MemberType = typeof(ChartRenderer))]
    public async Task Lint_OfADocumentedVariant_PassesStrict(string variant)
    {
        var lint = await ChartRenderer.LintAsync(ChartRenderer.ValuesOf(variant));
        Assert.True(lint.Succeeded, lint.ToString());
        Assert.Contains("1 chart(s) linted, 0 chart(s) failed", lint.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("[WARNING]", lint.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Variants_IncludeDefaultsAndEveryCiValuesFile()
    {
        Assert.Equal("default", ChartRenderer.Variants[0]);
        Assert.True(ChartRenderer.Variants.Count >= 8, string.Join(", ", ChartRenderer.Variants));
        var readme = File.ReadAllText(Path.Combine(Repository.Chart, "README.md"));
        foreach (var variant in ChartRenderer.Variants.Skip(1))
        {
            Assert.Contains("ci/" + variant, readme, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void CrdCopyInTheChart_IsIdenticalToTheOneInCrds()
    {
        var chartCrds = Directory.GetFiles(Path.Combine(Repository.Chart, "crds"));
        var copy = Assert.Single(chartCrds);
        Assert.Equal(Path.GetFileName(Repository.Crd), Path.GetFileName(copy));
        Assert.Equal(File.ReadAllBytes(Repository.Crd), File.ReadAllBytes(copy));
    }
}
