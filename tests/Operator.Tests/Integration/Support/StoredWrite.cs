using ZkSync.LocalCluster.Storage;

namespace ZkSync.Operator.Tests.Integration.Support;

/// <summary>One write the local API server stored: the resource (<c>jobs.batch</c>), what happened, and to which object.</summary>
public sealed record StoredWrite(string Resource, WatchEventType Change, string? Namespace, string Name, string? Uid);
