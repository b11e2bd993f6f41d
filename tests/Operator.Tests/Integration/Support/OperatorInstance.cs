using k8s;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ZkSync.LocalCluster.Tests.Support;
using ZkSync.Operator.Runtime;

namespace ZkSync.Operator.Tests.Integration.Support;

/// <summary>
/// One operator replica, run in-process with the host Program.cs builds (configuration from its command line, the
/// runtime, leader election, health endpoints), as its service account, its API requests going through an
/// <see cref="ApiRequestRecorder"/>, its log kept for a failing test.
/// </summary>
public sealed class OperatorInstance : IAsyncDisposable
{
    private readonly IHost _app;
    private bool _stopped;

    private OperatorInstance(string name, IHost app, ApiRequestRecorder recorder, CapturedLog log)
    {
        Name = name;
        _app = app;
        Recorder = recorder;
        Log = log;
    }

    public string Name { get; }

    public ApiRequestRecorder Recorder { get; }

    public CapturedLog Log { get; }

    public OperatorHealth Health => _app.Services.GetRequiredService<OperatorHealth>();

    public OperatorMetrics Metrics => _app.Services.GetRequiredService<OperatorMetrics>();

    /// <summary>Builds and starts an operator with <paramref name="args"/> (its command line), the API server reached
    /// through <paramref name="kubeconfig"/>.</summary>
    public static async Task<OperatorInstance> StartAsync(string name, string kubeconfig, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var recorder = new ApiRequestRecorder();
        var log = new CapturedLog();
        var app = OperatorHost.Build([$"--Kubeconfig={kubeconfig}", .. args], out var problems, services =>
        {
            // The same client the host makes, with the recorder in its pipeline; the log kept, not written to stdout.
            services.AddSingleton<IKubernetes>(_ => new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig), recorder));
            services.AddSingleton<ILoggerFactory>(_ => LoggerFactory.Create(logging => logging.AddProvider(log).SetMinimumLevel(LogLevel.Debug)
                .AddFilter("Microsoft", LogLevel.Warning).AddFilter("System.Net.Http", LogLevel.Warning)));
        });
        if (app is null)
        {
            throw new InvalidOperationException("the operator refused its configuration: " + string.Join("; ", problems));
        }

        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        return new OperatorInstance(name, app, recorder, log);
    }

    /// <summary>Stops it as SIGTERM does (graceful shutdown); safe to call twice.</summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        Recorder.Release();
        await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        if (_app is IAsyncDisposable asyncDisposable)
        {
            await asyncDisposable.DisposeAsync().ConfigureAwait(false);
        }
        else
        {
            _app.Dispose();
        }
        Recorder.Dispose();
    }
}
