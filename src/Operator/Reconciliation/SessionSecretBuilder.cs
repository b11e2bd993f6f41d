using System.Security.Cryptography;
using System.Text;
using k8s.Models;
using ZkSync.Operator.Entities;

namespace ZkSync.Operator.Reconciliation;

/// <summary>
/// The Secret a session owns: the rsync daemons' shared secret and, unless <c>spec.zookeeper.credentialsSecretRef</c>
/// names the user's, the session's own ZooKeeper digest credentials (rights on its own node only).
/// </summary>
public static class SessionSecretBuilder
{
    /// <param name="randomHex">Makes a random hex string of the given byte count (injected so tests are deterministic).</param>
    public static V1Secret Build(V1Alpha1ZkRsyncSession session, Func<int, string> randomHex)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(randomHex);
        var meta = session.Metadata;
        var data = new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            [WorkerDefaults.RsyncSecretKey] = Encoding.UTF8.GetBytes(randomHex(24) + "\n"),
        };
        if (session.Spec.ZooKeeper?.CredentialsSecretRef is null)
        {
            data[WorkerDefaults.UserKey] = Encoding.UTF8.GetBytes(SessionNames.ZooKeeperUser(meta.NamespaceProperty, meta.Name, meta.Uid));
            data[WorkerDefaults.PasswordKey] = Encoding.UTF8.GetBytes(randomHex(16));
        }

        return new V1Secret
        {
            ApiVersion = "v1",
            Kind = "Secret",
            Type = "Opaque",
            Metadata = new V1ObjectMeta
            {
                Name = SessionNames.Secret(meta.Name),
                NamespaceProperty = meta.NamespaceProperty,
                Labels = SessionNames.SecretLabels(meta.Name),
                OwnerReferences = [WorkerJobBuilder.OwnerReference(session)],
            },
            Data = data,
        };
    }

    /// <summary>Cryptographically random bytes as lowercase hex.</summary>
    public static string RandomHex(int bytes) => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(bytes));

    /// <summary>The Secret that holds the workers' ZooKeeper credentials (keys user, password).</summary>
    public static string CredentialsSecretName(V1Alpha1ZkRsyncSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return session.Spec.ZooKeeper?.CredentialsSecretRef?.Name ?? SessionNames.Secret(session.Metadata.Name);
    }
}
