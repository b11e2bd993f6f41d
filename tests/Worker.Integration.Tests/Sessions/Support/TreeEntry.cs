namespace ZkSync.Worker.IntegrationTests.Sessions.Support;

/// <summary>One entry of a <see cref="TreeVerifier.Snapshot"/>.</summary>
/// <param name="Relative">Path relative to the root, raw bytes (empty for the root).</param>
/// <param name="LinkTarget">The raw symlink target, for symlinks.</param>
/// <param name="ContentSha256">SHA-256 of the content, for regular files.</param>
public sealed record TreeEntry(byte[] Relative, RawStat Stat, byte[]? LinkTarget, string? ContentSha256);
