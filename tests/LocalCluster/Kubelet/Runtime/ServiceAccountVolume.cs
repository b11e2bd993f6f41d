using System.Text;

namespace ZkSync.LocalCluster.Kubelet.Runtime;

/// <summary>
/// The projected volume the service-account admission adds to every pod (<c>kube-api-access-*</c>): the
/// bound token, the cluster's CA certificate and the pod's namespace, mounted read-only at
/// <see cref="MountPath"/>, where KubernetesClient's and client-go's in-cluster configuration read them (with
/// <c>KUBERNETES_SERVICE_HOST</c>/<c>_PORT</c> from the environment).
/// </summary>
public static class ServiceAccountVolume
{
    public const string MountPath = "/var/run/secrets/kubernetes.io/serviceaccount";

    public const string TokenFile = "token";

    public const string CaFile = "ca.crt";

    public const string NamespaceFile = "namespace";

    public static ProjectedFilesVolume Create(string volumeName, string token, string caCertificatePem, string podNamespace) =>
        new(volumeName,
        [
            new ProjectedFile(TokenFile, Encoding.UTF8.GetBytes(token)),
            new ProjectedFile(CaFile, Encoding.UTF8.GetBytes(caCertificatePem)),
            new ProjectedFile(NamespaceFile, Encoding.UTF8.GetBytes(podNamespace)),
        ]);
}
