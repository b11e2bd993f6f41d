namespace ZkSync.Worker.Cli;

/// <summary>Which help the command line asked for.</summary>
public enum HelpRequest
{
    None,

    /// <summary><c>-h</c>/<c>--shorthelp</c>: options with a short form only.</summary>
    Short,

    /// <summary><c>-H</c>/<c>--help</c>: every option.</summary>
    Full,
}
