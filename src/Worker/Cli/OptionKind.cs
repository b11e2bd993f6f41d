namespace ZkSync.Worker.Cli;

/// <summary>How an option's value is read (generaloption's types and actions).</summary>
public enum OptionKind
{
    /// <summary>store_true: no value on the command line; true/false in config files and the environment.</summary>
    Flag,

    /// <summary>A string.</summary>
    String,

    /// <summary>A 32-bit integer.</summary>
    Int,

    /// <summary>A 64-bit integer.</summary>
    Long,

    /// <summary>strlist: a comma-separated list.</summary>
    StringList,

    /// <summary>strlist with action "add": every occurrence appends.</summary>
    StringListAdd,
}
