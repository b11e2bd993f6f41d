namespace ZkSync.Worker.IntegrationTests.Wire.Support;

/// <summary>One ACL entry: scheme (<c>digest</c>), id (<c>user:base64(sha1(user:passwd))</c>), permission bits.</summary>
public sealed record ZnodeAcl(string Scheme, string Id, int Perms);
