using Xunit.Abstractions;

namespace ZkSync.Testing;

/// <summary>
/// Runs a test body and, when it throws, writes a server log to the test's output before
/// rethrowing: xunit shows output only for failing tests, so passing tests stay quiet and their
/// .trx entries small.
/// </summary>
public static class LogOnFailure
{
    public static async Task RunAsync(ITestOutputHelper output, Func<string> log, Func<Task> test)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(test);
        try
        {
            await test().ConfigureAwait(false);
        }
        catch
        {
            output.WriteLine("----- server log -----");
            output.WriteLine(log());
            throw;
        }
    }
}
