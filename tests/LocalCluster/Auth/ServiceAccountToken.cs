namespace ZkSync.LocalCluster.Auth;

/// <summary>A service-account token the server issued: the JWT and when it expires.</summary>
public sealed record ServiceAccountToken(string Token, DateTimeOffset ExpirationTimestamp);
