using System.Text.Json;
using System.Text.Json.Serialization;

namespace ZkSync.LocalCluster.Kubelet.Runtime;

/// <summary>
/// What an image's configuration contributes to a container, as a Dockerfile's ENTRYPOINT, CMD, WORKDIR and
/// USER do. A local image is a host directory standing for the image's executables; its optional
/// <c>image.json</c> (<c>{"entrypoint": [...], "cmd": [...], "workingDir": "...", "user": "..."}</c>) holds
/// this configuration.
/// </summary>
public sealed record ImageConfig
{
    /// <summary>The file in an image directory that holds its configuration.</summary>
    public const string FileName = "image.json";

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public static ImageConfig Empty { get; } = new();

    [JsonPropertyName("entrypoint")]
    public IReadOnlyList<string> Entrypoint { get; init; } = [];

    [JsonPropertyName("cmd")]
    public IReadOnlyList<string> Cmd { get; init; } = [];

    /// <summary>WORKDIR: the working directory when the container sets none.</summary>
    [JsonPropertyName("workingDir")]
    public string? WorkingDir { get; init; }

    /// <summary>USER: <c>uid</c>, <c>uid:gid</c>, <c>name</c> or <c>name:group</c>, looked up in the host's
    /// passwd and group files (the image's filesystem is the host's); none means root.</summary>
    [JsonPropertyName("user")]
    public string? User { get; init; }

    /// <summary>Reads <c>DIR/image.json</c>; an image directory without one has an empty configuration.</summary>
    /// <exception cref="InvalidDataException">The file is not a valid image configuration.</exception>
    public static async Task<ImageConfig> LoadAsync(string imageDirectory, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(imageDirectory);
        var path = Path.Combine(imageDirectory, FileName);
        if (!File.Exists(path))
        {
            return Empty;
        }

        var json = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        return Parse(json, path);
    }

    /// <summary>Parses an image configuration; <paramref name="source"/> names it in errors.</summary>
    public static ImageConfig Parse(string json, string source)
    {
        try
        {
            var config = JsonSerializer.Deserialize<ImageConfig>(json, JsonOptions)
                ?? throw new InvalidDataException($"{source}: expected a JSON object, found null");
            return config with { Entrypoint = config.Entrypoint ?? [], Cmd = config.Cmd ?? [] };
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: not a valid image configuration: {e.Message}", e);
        }
    }
}
