using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using ZkSync.Testing;
using ZkSync.ZooKeeper.Tests.Support;

namespace ZkSync.ZooKeeper.Tests.Recipes.Support;

/// <summary>
/// An interop participant using kazoo 2.8's recipes: a long-running <c>/usr/bin/python3
/// Scripts/kazoo_actor.py</c> answering one JSON command per line, so a test can interleave kazoo
/// and our calls step by step. One command at a time; a blocking one (a lock wait) blocks this actor only.
/// </summary>
internal sealed class KazooActor : IRecipeActor
{
    private static readonly string ScriptPath = System.IO.Path.Combine(AppContext.BaseDirectory, "Recipes", "Scripts", "kazoo_actor.py");

    private readonly Process _process;
    private readonly SemaphoreSlim _serial = new(1, 1);
    private readonly StringBuilder _stderr = new();

    private KazooActor(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    public static async Task<KazooActor> StartAsync(string name, TestChroot chroot, CancellationToken cancellationToken)
    {
        await KazooScript.EnsureInstalledAsync(cancellationToken);
        var startInfo = new ProcessStartInfo(KazooScript.Python)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { ScriptPath, chroot.ConnectionString, TestChroot.User, TestChroot.Password })
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment["PYTHONUNBUFFERED"] = "1";
        startInfo.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        var process = Process.Start(startInfo) ?? throw new InvalidOperationException("python3 did not start");
        var actor = new KazooActor(name, process);
        process.ErrorDataReceived += (_, line) =>
        {
            lock (actor._stderr)
            {
                actor._stderr.AppendLine(line.Data);
            }
        };
        process.BeginErrorReadLine();
        var ready = await actor.ReadAnswerAsync(cancellationToken);
        if (ready?.GetValue<string>() != "ready")
        {
            throw new InvalidOperationException($"kazoo actor {name} did not start: {ready}");
        }

        return actor;
    }

    public async Task<bool> LockAcquireAsync(string path, string identifier, bool blocking, TimeSpan? timeout, CancellationToken cancellationToken) =>
        (await SendAsync(new JsonObject
        {
            ["op"] = "lock.acquire", ["path"] = path, ["id"] = identifier, ["blocking"] = blocking,
            ["timeout"] = timeout?.TotalSeconds,
        }, cancellationToken))!.GetValue<bool>();

    public async Task<bool> LockReleaseAsync(string path, CancellationToken cancellationToken) =>
        (await SendAsync(new JsonObject { ["op"] = "lock.release", ["path"] = path }, cancellationToken))!.GetValue<bool>();

    public async Task<IReadOnlyList<string>> LockContendersAsync(string path, CancellationToken cancellationToken) =>
        Strings(await SendAsync(new JsonObject { ["op"] = "lock.contenders", ["path"] = path }, cancellationToken));

    public Task QueuePutAsync(string path, string value, int priority, CancellationToken cancellationToken) =>
        SendAsync(new JsonObject { ["op"] = "queue.put", ["path"] = path, ["value"] = Encode(value), ["priority"] = priority }, cancellationToken);

    public Task QueuePutAllAsync(string path, IReadOnlyList<string> values, int priority, CancellationToken cancellationToken) =>
        SendAsync(new JsonObject
        {
            ["op"] = "queue.putall", ["path"] = path, ["values"] = new JsonArray([.. values.Select(v => (JsonNode)Encode(v))]),
            ["priority"] = priority,
        }, cancellationToken);

    public async Task<string?> QueueGetAsync(string path, TimeSpan? timeout, CancellationToken cancellationToken) =>
        await SendAsync(new JsonObject { ["op"] = "queue.get", ["path"] = path, ["timeout"] = timeout?.TotalSeconds }, cancellationToken) is { } value
            ? Encoding.UTF8.GetString(Convert.FromBase64String(value.GetValue<string>()))
            : null;

    public async Task<bool> QueueConsumeAsync(string path, CancellationToken cancellationToken) =>
        (await SendAsync(new JsonObject { ["op"] = "queue.consume", ["path"] = path }, cancellationToken))!.GetValue<bool>();

    public async Task<bool> QueueReleaseAsync(string path, CancellationToken cancellationToken) =>
        (await SendAsync(new JsonObject { ["op"] = "queue.release", ["path"] = path }, cancellationToken))!.GetValue<bool>();

    public async Task<int> QueueCountAsync(string path, CancellationToken cancellationToken) =>
        (await SendAsync(new JsonObject { ["op"] = "queue.count", ["path"] = path }, cancellationToken))!.GetValue<int>();

    public async Task<IReadOnlyList<string>> QueueTakeBatchAsync(string path, int count, CancellationToken cancellationToken) =>
        [.. Strings(await SendAsync(new JsonObject { ["op"] = "queue.takebatch", ["path"] = path, ["count"] = count }, cancellationToken))
            .Select(value => Encoding.UTF8.GetString(Convert.FromBase64String(value)))];

    public async Task<int> QueueConsumeBatchAsync(string path, string donePath, CancellationToken cancellationToken) =>
        (await SendAsync(new JsonObject { ["op"] = "queue.consumebatch", ["path"] = path, ["done"] = donePath }, cancellationToken))!.GetValue<int>();

    public Task PartyJoinAsync(string path, string identifier, CancellationToken cancellationToken) =>
        SendAsync(new JsonObject { ["op"] = "party.join", ["path"] = path, ["id"] = identifier }, cancellationToken);

    public Task PartyLeaveAsync(string path, CancellationToken cancellationToken) =>
        SendAsync(new JsonObject { ["op"] = "party.leave", ["path"] = path }, cancellationToken);

    public async Task<IReadOnlyList<string>> PartyMembersAsync(string path, CancellationToken cancellationToken) =>
        Strings(await SendAsync(new JsonObject { ["op"] = "party.members", ["path"] = path }, cancellationToken));

    public async Task<long> CounterAddAsync(string path, long delta, CancellationToken cancellationToken) =>
        (await SendAsync(new JsonObject { ["op"] = "counter.add", ["path"] = path, ["delta"] = delta }, cancellationToken))!.GetValue<long>();

    public async Task<long> CounterValueAsync(string path, CancellationToken cancellationToken) =>
        (await SendAsync(new JsonObject { ["op"] = "counter.value", ["path"] = path }, cancellationToken))!.GetValue<long>();

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            if (!_process.HasExited)
            {
                await SendAsync(new JsonObject { ["op"] = "close" }, timeout.Token);
                await _process.WaitForExitAsync(timeout.Token);
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or InvalidOperationException or IOException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None);
        }

        _process.Dispose();
        _serial.Dispose();
    }

    private async Task<JsonNode?> SendAsync(JsonObject command, CancellationToken cancellationToken)
    {
        await _serial.WaitAsync(cancellationToken);
        try
        {
            await _process.StandardInput.WriteLineAsync(command.ToJsonString().AsMemory(), cancellationToken);
            await _process.StandardInput.FlushAsync(cancellationToken);
            return await ReadAnswerAsync(cancellationToken);
        }
        finally
        {
            _serial.Release();
        }
    }

    private async Task<JsonNode?> ReadAnswerAsync(CancellationToken cancellationToken)
    {
        var line = await _process.StandardOutput.ReadLineAsync(cancellationToken);
        if (line is null)
        {
            await _process.WaitForExitAsync(cancellationToken);
            throw new InvalidOperationException($"kazoo actor {Name} exited with {_process.ExitCode}:\n{Stderr()}");
        }

        var answer = JsonNode.Parse(line)!.AsObject();
        return answer["ok"]!.GetValue<bool>()
            ? answer["result"]?.DeepClone()
            : throw new InvalidOperationException($"kazoo actor {Name} failed: {answer["error"]}\n{Stderr()}");
    }

    private string Stderr()
    {
        lock (_stderr)
        {
            return _stderr.ToString();
        }
    }

    private static string Encode(string value) => Convert.ToBase64String(Encoding.UTF8.GetBytes(value));

    private static IReadOnlyList<string> Strings(JsonNode? node) =>
        [.. node!.AsArray().Select(item => item!.GetValue<string>())];
}
