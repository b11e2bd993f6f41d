using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using ZkSync.LocalCluster.Api;

namespace ZkSync.LocalCluster.Http;

/// <summary>Writes API responses: JSON bodies, Status errors, <c>Warning</c> headers.</summary>
public static class ApiResponses
{
    public const string JsonContentType = "application/json";

    /// <summary>Escapes as Go's encoder does (HTML-sensitive characters only), so bodies read like a real server's.</summary>
    public static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static async Task WriteJsonAsync(HttpContext context, int code, JsonNode body, IEnumerable<string>? warnings = null)
    {
        var response = context.Response;
        response.StatusCode = code;
        response.ContentType = JsonContentType;
        foreach (var warning in warnings ?? [])
        {
            response.Headers.Append("Warning", $"299 - \"{warning.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"");
        }

        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString(Json));
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
    }

    public static Task WriteStatusAsync(HttpContext context, ApiException error) =>
        WriteJsonAsync(context, error.Code, error.ToStatus());

    public static async Task WriteTextAsync(HttpContext context, int code, string text)
    {
        context.Response.StatusCode = code;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(text, context.RequestAborted).ConfigureAwait(false);
    }
}
