using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ZkSync.ZooKeeper.Tests.Support;

/// <summary>Keeps every log entry (level and formatted message) so a test can assert what was logged.</summary>
internal sealed class RecordingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Logger(_entries);

    public void Dispose()
    {
    }

    /// <summary>One entry: its level and its message as formatted.</summary>
    internal sealed record LogEntry(LogLevel Level, string Message);

    private sealed class Logger(ConcurrentQueue<LogEntry> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue(new LogEntry(logLevel, formatter(state, exception)));
    }
}
