using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace ZkSync.Testing;

/// <summary>Writes log lines to a test's output (xunit shows it when the test fails), from <paramref name="minimumLevel"/> up.</summary>
public sealed class TestOutputLoggerProvider(ITestOutputHelper output, LogLevel minimumLevel = LogLevel.Debug) : ILoggerProvider
{
    /// <summary>A logger factory writing to <paramref name="output"/>; dispose it with the test.</summary>
    public static ILoggerFactory CreateFactory(ITestOutputHelper output, LogLevel minimumLevel = LogLevel.Debug) =>
        LoggerFactory.Create(builder => builder.SetMinimumLevel(minimumLevel).AddProvider(new TestOutputLoggerProvider(output, minimumLevel)));

    public ILogger CreateLogger(string categoryName) => new OutputLogger(output, minimumLevel, categoryName);

    public void Dispose()
    {
    }

    private sealed class OutputLogger(ITestOutputHelper output, LogLevel minimumLevel, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= minimumLevel;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var line = $"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {category}: {formatter(state, exception)}";
            if (exception is not null)
            {
                line += Environment.NewLine + exception;
            }

            try
            {
                output.WriteLine(line);
            }
            catch (InvalidOperationException)
            {
                // The test already finished; a late line from a background loop is dropped.
            }
        }
    }
}
