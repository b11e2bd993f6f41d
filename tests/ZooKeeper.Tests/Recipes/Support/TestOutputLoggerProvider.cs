using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace ZkSync.ZooKeeper.Tests.Recipes.Support;

/// <summary>Writes log lines to the test's output (shown when the test fails).</summary>
internal sealed class TestOutputLoggerProvider(ITestOutputHelper output, LogLevel minimumLevel) : ILoggerProvider
{
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

            try
            {
                output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : " " + exception)}");
            }
            catch (InvalidOperationException)
            {
                // The test has finished; its output is closed.
            }
        }
    }
}
