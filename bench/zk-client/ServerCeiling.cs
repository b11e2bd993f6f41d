namespace ZkSync.Benchmarks.ZkClient;

/// <summary>Which of the server's own ceilings (<see cref="RawGet"/>) a table line is compared with.</summary>
internal enum ServerCeiling
{
    /// <summary>The line has no ceiling.</summary>
    None,

    /// <summary>Every getData written back to back, replies only counted: bounds the all-in-flight line.</summary>
    PipelinedGet,

    /// <summary>One getData at a time, each a blocking round trip on one thread: bounds any sequential line's ratio.</summary>
    SequentialGet,
}
