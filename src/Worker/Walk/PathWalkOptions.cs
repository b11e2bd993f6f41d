using System.Text.RegularExpressions;

namespace ZkSync.Worker.Walk;

/// <summary>What <see cref="PathWalker"/> walks.</summary>
/// <param name="BasePath">The source base (<c>--rsyncpath</c>); trailing <c>/</c> is ignored.</param>
/// <param name="Depth">Levels below the base to queue (<c>--depth</c>); directories exactly this deep are recursive.</param>
/// <param name="Exclude">Matched (search, anywhere) against the absolute path (<c>--excludere</c>); null: exclude nothing.</param>
/// <param name="ExcludeUid">Only paths owned by this uid are excluded (<c>--excl_usr</c>); null: any owner.</param>
/// <param name="SubPaths">Deeper walks (<c>--rsubpaths</c>), deepest last.</param>
public sealed record PathWalkOptions(
    RawPath BasePath,
    int Depth,
    Regex? Exclude = null,
    uint? ExcludeUid = null,
    IReadOnlyList<RSubPath>? SubPaths = null);
