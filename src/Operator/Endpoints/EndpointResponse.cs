using System.Text;

namespace ZkSync.Operator.Endpoints;

/// <summary>A complete HTTP response: status, content type, body (sent with its Content-Length), and the methods
/// allowed when the status is 405.</summary>
public sealed record EndpointResponse(int Status, string ContentType, ReadOnlyMemory<byte> Body)
{
    public const string PlainText = "text/plain; charset=utf-8";

    public string? Allow { get; init; }

    public static EndpointResponse Text(int status, string text) => new(status, PlainText, Encoding.UTF8.GetBytes(text));
}
