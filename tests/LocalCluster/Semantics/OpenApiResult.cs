namespace ZkSync.LocalCluster.Semantics;

/// <summary>kube-openapi's validate.Result: errors without repeats (by message) and the match count anyOf/oneOf rank by.</summary>
internal sealed class OpenApiResult
{
    private readonly List<OpenApiError> _errors = [];

    public IReadOnlyList<OpenApiError> Errors => _errors;

    public int MatchCount { get; private set; }

    public bool IsValid => _errors.Count == 0;

    public void Add(OpenApiError error)
    {
        if (!_errors.Exists(e => e.Message == error.Message))
        {
            _errors.Add(error);
        }
    }

    public OpenApiResult Merge(OpenApiResult? other)
    {
        if (other is not null)
        {
            foreach (var error in other._errors)
            {
                Add(error);
            }

            MatchCount += other.MatchCount;
        }

        return this;
    }

    public void Inc() => MatchCount++;

    public void AddMatches(int count) => MatchCount += count;

    public static OpenApiResult Of(OpenApiError error)
    {
        var result = new OpenApiResult();
        result.Add(error);
        return result;
    }
}
