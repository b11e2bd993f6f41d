namespace ZkSync.LocalCluster.Semantics.Cel;

/// <summary>A CEL runtime error raised by our functions or value conversions, with cel-go's wording.</summary>
internal sealed class CelEvaluationException : Exception
{
    public CelEvaluationException()
    {
    }

    public CelEvaluationException(string message)
        : base(message)
    {
    }

    public CelEvaluationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
