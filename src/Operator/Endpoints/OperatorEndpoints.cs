using Prometheus;
using ZkSync.Operator.Runtime;

namespace ZkSync.Operator.Endpoints;

/// <summary>What the operator answers on its port: /healthz (200 while the runtime loop runs, else 500), /readyz (200
/// when ready, else 503, with the state in the body) and /metrics (Prometheus text, or OpenMetrics when the scraper
/// asks for it); 404 for any other path, 405 for a method other than GET or HEAD.</summary>
public sealed class OperatorEndpoints(OperatorHealth health, OperatorMetrics metrics)
{
    private const string Allowed = "GET, HEAD";
    private const string PrometheusText = "text/plain; version=0.0.4; charset=utf-8";
    private const string OpenMetricsText = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    public async Task<EndpointResponse> AnswerAsync(EndpointRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Path is not ("/healthz" or "/readyz" or "/metrics"))
        {
            return EndpointResponse.Text(404, "not found: " + request.Path + "\n");
        }

        if (request.Method is not ("GET" or "HEAD"))
        {
            return EndpointResponse.Text(405, $"method {request.Method} not allowed: {Allowed}\n") with { Allow = Allowed };
        }

        return request.Path switch
        {
            "/healthz" => health.IsAlive ? EndpointResponse.Text(200, "ok\n") : EndpointResponse.Text(500, health.Describe() + "\n"),
            "/readyz" => EndpointResponse.Text(health.IsReady ? 200 : 503, health.Describe() + "\n"),
            _ => await MetricsAsync(request.Accept, cancellationToken).ConfigureAwait(false),
        };
    }

    private async Task<EndpointResponse> MetricsAsync(string? accept, CancellationToken cancellationToken)
    {
        var openMetrics = accept?.Contains("application/openmetrics-text", StringComparison.OrdinalIgnoreCase) == true;
        using var body = new MemoryStream();
        try
        {
            await metrics.Registry.CollectAndExportAsTextAsync(body, openMetrics ? ExpositionFormat.OpenMetricsText : ExpositionFormat.PrometheusText, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (ScrapeFailedException e)
        {
            return EndpointResponse.Text(503, "scrape failed: " + e.Message + "\n");
        }

        return new EndpointResponse(200, openMetrics ? OpenMetricsText : PrometheusText, body.ToArray());
    }
}
