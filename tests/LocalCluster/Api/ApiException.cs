using System.Text.Json.Nodes;

namespace ZkSync.LocalCluster.Api;

/// <summary>
/// A request the API server refuses, carrying the <c>metav1.Status</c> it answers with (reason, code,
/// details), so in-process callers see exactly what an HTTP client would.
/// </summary>
public sealed class ApiException : Exception
{
    public ApiException(int code, string reason, string message, JsonObject? details = null)
        : base(message)
    {
        Code = code;
        Reason = reason;
        Details = details;
    }

    public ApiException()
        : this(500, "InternalError", "internal error")
    {
    }

    public ApiException(string message)
        : this(500, "InternalError", message)
    {
    }

    public ApiException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = 500;
        Reason = "InternalError";
    }

    /// <summary>The HTTP status code.</summary>
    public int Code { get; }

    /// <summary>The <c>metav1.StatusReason</c> (NotFound, AlreadyExists, Conflict, Invalid ...).</summary>
    public string Reason { get; }

    /// <summary>The Status' <c>details</c> (name, group, kind, causes), when any.</summary>
    public JsonObject? Details { get; }

    /// <summary>The <c>metav1.Status</c> body the server answers with.</summary>
    public JsonObject ToStatus()
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = Message,
            ["reason"] = Reason,
        };
        if (Details is not null)
        {
            status["details"] = Details.DeepClone();
        }

        status["code"] = Code;
        return status;
    }
}
