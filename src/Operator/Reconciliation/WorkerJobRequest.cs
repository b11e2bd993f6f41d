using ZkSync.Operator.Entities;

namespace ZkSync.Operator.Reconciliation;

/// <summary>Everything <see cref="WorkerJobBuilder"/> needs for one Job of one pass.</summary>
/// <param name="Session">The resource (spec, name, namespace, uid for the owner reference).</param>
/// <param name="ZooKeeperSession">zkrsync's session name (-N) of the pass.</param>
/// <param name="Servers">The ZooKeeper ensemble, <c>host:port,host:port</c>.</param>
/// <param name="CredentialsSecret">The Secret with keys <c>user</c> and <c>password</c> (the session's own or the user's).</param>
public sealed record WorkerJobRequest(
    V1Alpha1ZkRsyncSession Session,
    WorkerRole Role,
    int Pass,
    string ZooKeeperSession,
    string Servers,
    string CredentialsSecret,
    Placement Placement,
    WorkerDefaults Defaults);
