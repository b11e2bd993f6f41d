using System.Diagnostics;
using System.Globalization;

namespace ZkSync.Worker.IntegrationTests.Sessions.Support;

/// <summary>A reference copy made by plain local <c>rsync -aH --numeric-ids</c> (everything preserved), to compare against.</summary>
public static class ReferenceCopy
{
    public static async Task CreateAsync(string from, string to)
    {
        var start = new ProcessStartInfo("rsync") { RedirectStandardError = true };
        foreach (var argument in new[] { "-aH", "--numeric-ids", from.TrimEnd('/') + "/", to })
        {
            start.ArgumentList.Add(argument);
        }

        using var rsync = Process.Start(start) ?? throw new InvalidOperationException("cannot start rsync");
        var error = await rsync.StandardError.ReadToEndAsync().ConfigureAwait(false);
        await rsync.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        Assert.True(rsync.ExitCode == 0, string.Create(CultureInfo.InvariantCulture, $"rsync {rsync.ExitCode}: {error}"));
    }
}
