using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Events;
using Serilog.Extensions.Logging;

namespace ZkSync.Worker.Logging;

/// <summary>The only place Serilog is configured: stderr, plus an optional size-rotated log file.</summary>
public static class LoggingSetup
{
    private const string Template = "{Timestamp:yyyy-MM-dd HH:mm:ss,fff} {Level:u4} {SourceContext}: {Message:lj}{NewLine}{Exception}";

    /// <summary>Creates the logger factory the program hands to everything else.</summary>
    /// <param name="level">Minimum level (-d: Debug, --quiet: Warning, otherwise Information).</param>
    /// <param name="logFile">Expanded --logfile, or null for none. Its directory is created with mode 0700.</param>
    /// <param name="maxBytes">Rotate at this size (0: never), like Python's RotatingFileHandler.</param>
    /// <param name="backupCount">Rotated files kept (0: never rotate, as RotatingFileHandler).</param>
    public static SerilogLoggerFactory Create(LogLevel level, string? logFile, long maxBytes, int backupCount)
    {
        var configuration = new LoggerConfiguration()
            .MinimumLevel.Is(ToSerilog(level))
            .Enrich.FromLogContext()
            .WriteTo.Console(outputTemplate: Template, standardErrorFromLevel: LogEventLevel.Verbose, formatProvider: System.Globalization.CultureInfo.InvariantCulture);
        if (logFile is not null)
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(logFile));
            if (!string.IsNullOrEmpty(directory) && !Directory.Exists(directory))
            {
                Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            var rotate = maxBytes > 0 && backupCount > 0;
            configuration = configuration.WriteTo.File(
                logFile,
                outputTemplate: Template,
                formatProvider: System.Globalization.CultureInfo.InvariantCulture,
                fileSizeLimitBytes: rotate ? maxBytes : null,
                rollOnFileSizeLimit: rotate,
                retainedFileCountLimit: rotate ? backupCount + 1 : null);
        }

        return new SerilogLoggerFactory(configuration.CreateLogger(), dispose: true);
    }

    /// <summary>Microsoft level to Serilog level.</summary>
    public static LogEventLevel ToSerilog(LogLevel level) => level switch
    {
        LogLevel.Trace => LogEventLevel.Verbose,
        LogLevel.Debug => LogEventLevel.Debug,
        LogLevel.Information => LogEventLevel.Information,
        LogLevel.Warning => LogEventLevel.Warning,
        LogLevel.Error => LogEventLevel.Error,
        _ => LogEventLevel.Fatal,
    };
}
