using System.Text.Json;
using System.Text.Json.Serialization;

namespace ZkSync.LocalCluster.Kubelet.Runtime;

/// <summary>
/// What an image's configuration contributes to a container, as a Dockerfile's ENTRYPOINT, CMD, WORKDIR and
/// USER do. A local image is a host directory standing for the image's executables; its optional
/// <c>image.json</c> (<c>{"entrypoint": [...], "cmd": [...], "workingDir": "...", "user": "..."}</c>) holds
/// this configuration, and <c>"paths"</c> says where the image keeps the directory's files (see <see cref="Paths"/>).
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

    /// <summary>Where the image's filesystem has the directory's files: an absolute path in the image → a file or
    /// directory in the image directory, relative to it (<c>"."</c> for the directory itself), e.g.
    /// <c>{"/opt/zksync/bin": "."}</c> or <c>{"/docker-entrypoint.sh": "docker-entrypoint.sh"}</c>. Each is bound
    /// there, read-only, in the image's containers (see <see cref="ImageFiles"/>), so programs find them at the
    /// image's paths and users the host cannot reach through the image directory's parents can run them.</summary>
    [JsonPropertyName("paths")]
    public IReadOnlyDictionary<string, string> Paths { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

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
            config = config with { Entrypoint = config.Entrypoint ?? [], Cmd = config.Cmd ?? [], Paths = config.Paths ?? new Dictionary<string, string>() };
            foreach (var (imagePath, relative) in config.Paths)
            {
                if (!imagePath.StartsWith('/') || relative.StartsWith('/') || relative.Split('/').Contains(".."))
                {
                    throw new InvalidDataException(
                        $"{source}: paths: \"{imagePath}\": \"{relative}\" must map an absolute image path to a path inside the image directory");
                }
            }

            return config;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: not a valid image configuration: {e.Message}", e);
        }
    }
}
