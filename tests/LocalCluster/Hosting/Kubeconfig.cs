using System.Text;

namespace ZkSync.LocalCluster.Hosting;

/// <summary>Writes a kubeconfig for the server: its address and CA, an identity's token, the current context set.</summary>
public static class Kubeconfig
{
    public const string ContextName = "local-cluster";

    public static string Render(Uri server, string caPem, string token, string user = "kubernetes-admin", string? ns = null)
    {
        var ca = Convert.ToBase64String(Encoding.UTF8.GetBytes(caPem));
        var namespaceLine = ns is null ? "" : $"    namespace: {ns}\n";
        return $$"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: {{ContextName}}
              cluster:
                server: {{server.GetLeftPart(UriPartial.Authority)}}
                certificate-authority-data: {{ca}}
            users:
            - name: {{user}}
              user:
                token: {{token}}
            contexts:
            - name: {{ContextName}}
              context:
                cluster: {{ContextName}}
                user: {{user}}
            {{namespaceLine}}current-context: {{ContextName}}
            preferences: {}

            """;
    }

    /// <summary>Writes atomically (a temporary file renamed over the path), readable by the owner only.</summary>
    public static void Write(string path, string content)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temporary = full + $".tmp-{Environment.ProcessId}";
        File.WriteAllText(temporary, content);
        File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temporary, full, overwrite: true);
    }
}
