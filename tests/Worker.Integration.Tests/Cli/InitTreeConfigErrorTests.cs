using Xunit.Abstractions;
using ZkSync.Worker.IntegrationTests.Sessions.Support;

namespace ZkSync.Worker.IntegrationTests.Cli;

/// <summary>
/// <c>zkrsync initree</c> with a config whose sections do not make a tree (users, passwords): one line naming the
/// section, the cause and the fix, exit code 2, before it connects (the servers here listen nowhere).
/// </summary>
public sealed class InitTreeConfigErrorTests(ITestOutputHelper output) : IDisposable
{
    private readonly ScratchDirectory _scratch = new("zkrsync-initree-");

    [Fact]
    public Task InitTree_WithoutARootPassword_SaysToAddOneAndExits2() =>
        AssertRefusedAsync(
            "[root]\npath = /\n[/x]\nr = root\n",
            "zkrsync: error: Root user not configured or has no password attribute: add a [root] section with passwd = ... (the password initree and the workers use as root)");

    [Fact]
    public Task InitTree_WithAUserWithoutPassword_NamesItsSectionAndExits2() =>
        AssertRefusedAsync(
            "[root]\npasswd = admin\n[bob]\nname = Bob\n[/x]\nr = bob\n",
            "zkrsync: error: User bob has no password attribute: add passwd = ... to [bob]");

    [Fact]
    public Task InitTree_WithANodeNamingAnUnknownUser_NamesNodeAndUserAndExits2() =>
        AssertRefusedAsync(
            "[root]\npasswd = admin\n[/x]\nr = ghost\n",
            "zkrsync: error: [/x] User ghost not configured: add a [ghost] section with passwd = ..., or remove ghost from [/x]");

    public void Dispose() => _scratch.Dispose();

    private async Task AssertRefusedAsync(string config, string expected)
    {
        var file = Path.Combine(_scratch.Path, "zkinitree.cfg");
        await File.WriteAllTextAsync(file, config);
        var (exit, stderr) = await CliRun.RunAsync(output, ["initree", "--servers", "127.0.0.1:1", "--connect-timeout", "1", "--configfiles", file]);
        CliRun.AssertOneLine(exit, stderr, expected);
    }
}
