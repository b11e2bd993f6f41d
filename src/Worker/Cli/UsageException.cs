namespace ZkSync.Worker.Cli;

/// <summary>A bad command line, environment variable or config file: one line for the user, exit code 2.</summary>
public sealed class UsageException : Exception
{
    public UsageException()
    {
    }

    public UsageException(string message)
        : base(message)
    {
    }

    public UsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
