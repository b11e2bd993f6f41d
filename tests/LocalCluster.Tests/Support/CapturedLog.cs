using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace ZkSync.LocalCluster.Tests.Support;

/// <summary>Keeps what the server logged, so a failing test can show it (passing tests stay quiet).</summary>
public sealed class CapturedLog : ILoggerProvider
{
    private readonly Lock _gate = new();
    private readonly StringBuilder _text = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public override string ToString()
    {
        lock (_gate)
        {
            return _text.ToString();
        }
    }

    public void Dispose()
    {
    }

    private void Append(string line)
    {
        lock (_gate)
        {
            _text.Append(line).Append('\n');
        }
    }

    private sealed class Logger(CapturedLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = string.Create(CultureInfo.InvariantCulture, $"{DateTimeOffset.Now:HH:mm:ss.fff} {logLevel} {category}: {formatter(state, exception)}");
            log.Append(exception is null ? line : $"{line}\n{exception}");
        }
    }
}
