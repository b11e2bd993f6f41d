using ZkSync.LocalCluster.Kubelet.Runtime;

namespace ZkSync.LocalCluster.Tests.Kubelet.Runtime;

// Cases from k8s.io/kubernetes third_party/forked/golang/expansion/expand_test.go.
public sealed class VariableExpansionTests
{
    private static string? Lookup(string name) => name switch
    {
        "VAR_A" => "A",
        "VAR_B" => "B",
        "VAR_EMPTY" => "",
        _ => null,
    };

    [Theory]
    [InlineData("$(VAR_A)", "A")]
    [InlineData("___$(VAR_B)___", "___B___")]
    [InlineData("$(VAR_A)-$(VAR_B)", "A-B")]
    [InlineData("foo$(VAR_EMPTY)bar", "foobar")]
    [InlineData("$(VAR_DOES_NOT_EXIST)", "$(VAR_DOES_NOT_EXIST)")]
    [InlineData("$$(VAR_A)", "$(VAR_A)")]
    [InlineData("$$$(VAR_A)", "$A")]
    [InlineData("$$$$(VAR_A)", "$$(VAR_A)")]
    [InlineData("f00__(VAR_A)__", "f00__(VAR_A)__")]
    [InlineData("$VAR_A", "$VAR_A")]
    [InlineData("$(VAR_A", "$(VAR_A")]
    [InlineData("$(VAR_A)$", "A$")]
    [InlineData("$()", "$()")]
    [InlineData("", "")]
    public void Expand_BehavesAsKubernetes(string input, string expected) =>
        Assert.Equal(expected, VariableExpansion.Expand(input, Lookup));
}
