using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using k8s;
using k8s.Exceptions;
using ZkSync.Operator.Runtime;

namespace ZkSync.Operator.Tests.Hosting;

/// <summary>The operator's kubeconfig reader against the client library's own (the oracle), on the same files.</summary>
public sealed class KubeconfigFileTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("kubeconfig-tests-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public void Load_ReadsTheCurrentContext_WithRelativeCertificatePaths_AsTheClientLibraryDoes()
    {
        using var ca = SelfSigned("CN=kubeconfig-tests-ca");
        Directory.CreateDirectory(Path.Combine(_directory.FullName, "pki"));
        File.WriteAllText(Path.Combine(_directory.FullName, "pki", "ca.crt"), ca.ExportCertificatePem());
        var path = Write("config", """
            apiVersion: v1
            kind: Config
            preferences: {}
            current-context: work
            clusters:
            - name: other
              cluster:
                server: https://10.0.0.1:6443
                insecure-skip-tls-verify: true
            - name: main
              cluster:
                server: https://127.0.0.1:6443
                certificate-authority: pki/ca.crt
                extensions:
                - name: note
                  extension: {any: thing}
            contexts:
            - name: other
              context: {cluster: other, user: token-user}
            - name: work
              context:
                cluster: main
                user: cert-user
                namespace: zksync
            users:
            - name: token-user
              user: {token: abc123}
            - name: cert-user
              user:
                client-certificate: pki/client.crt
                client-key: pki/client.key
            unknown-top-level-key: ignored
            """);

        var ours = KubeconfigFile.Load(path);
        var library = KubernetesClientConfiguration.BuildConfigFromConfigFile(path);

        Assert.Equal("https://127.0.0.1:6443", ours.Host);
        Assert.Equal("work", ours.CurrentContext);
        Assert.Equal("zksync", ours.Namespace);
        Assert.Equal(Path.Combine(_directory.FullName, "pki", "client.crt"), ours.ClientCertificateFilePath);
        Assert.Equal(ca.Thumbprint, Assert.Single(ours.SslCaCerts!).Thumbprint);
        AssertSame(library, ours);
    }

    [Fact]
    public void Load_ReadsInlineCertificateDataAndYamlMergeKeys_AsTheClientLibraryDoes()
    {
        using var ca = SelfSigned("CN=kubeconfig-tests-inline-ca");
        var caData = Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(ca.ExportCertificatePem()));
        var path = Write("merged.yaml", $$"""
            current-context: "token"
            clusters:
            - name: c
              cluster:
                server: https://0.0.0.0:8443
                certificate-authority-data: {{caData}}
            contexts:
            - name: token
              context: {cluster: c, user: u}
            users:
            - name: shared
              user: &credentials {username: admin, password: "s3cret"}
            - name: u
              user:
                <<: *credentials
                password: "override"
            """);

        var ours = KubeconfigFile.Load(path);

        Assert.Equal("admin", ours.Username);
        Assert.Equal("override", ours.Password);
        Assert.StartsWith("https://127.0.0.1:8443", ours.Host, StringComparison.Ordinal);
        AssertSame(KubernetesClientConfiguration.BuildConfigFromConfigFile(path), ours);
    }

    [Fact]
    public void Load_OfAMissingEmptyOrContextlessFile_FailsWithTheLibrarysOneLineErrors()
    {
        var missing = Path.Combine(_directory.FullName, "absent");
        Assert.Equal($"kubeconfig file not found at {missing}", Assert.Throws<KubeConfigException>(() => KubeconfigFile.Load(missing)).Message);

        var empty = Write("empty", "");
        Assert.Equal($"kubeconfig file {empty} is empty", Assert.Throws<KubeConfigException>(() => KubeconfigFile.Load(empty)).Message);

        var wrongContext = Write("wrong-context", "current-context: nowhere\ncontexts: []\n");
        Assert.Equal(
            Assert.Throws<KubeConfigException>(() => KubernetesClientConfiguration.BuildConfigFromConfigFile(wrongContext)).Message,
            Assert.Throws<KubeConfigException>(() => KubeconfigFile.Load(wrongContext)).Message);
    }

    private static void AssertSame(KubernetesClientConfiguration expected, KubernetesClientConfiguration actual)
    {
        Assert.Equal(expected.Host, actual.Host);
        Assert.Equal(expected.CurrentContext, actual.CurrentContext);
        Assert.Equal(expected.Namespace, actual.Namespace);
        Assert.Equal(expected.SkipTlsVerify, actual.SkipTlsVerify);
        Assert.Equal(expected.AccessToken, actual.AccessToken);
        Assert.Equal(expected.Username, actual.Username);
        Assert.Equal(expected.Password, actual.Password);
        Assert.Equal(expected.ClientCertificateFilePath, actual.ClientCertificateFilePath);
        Assert.Equal(expected.ClientKeyFilePath, actual.ClientKeyFilePath);
        Assert.Equal(expected.ClientCertificateData, actual.ClientCertificateData);
        Assert.Equal(expected.SslCaCerts?.Select(c => c.Thumbprint), actual.SslCaCerts?.Select(c => c.Thumbprint));
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory.FullName, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static X509Certificate2 SelfSigned(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, false, 0, critical: true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1));
    }
}
