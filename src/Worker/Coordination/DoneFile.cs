using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ZkSync.Worker.Coordination;

/// <summary>
/// <c>--done-file</c>: the original writes it with vsc-utils' <c>FileCache</c>, a gzipped jsonpickle dict
/// <c>{key: (timestamp, data)}</c>, updating key <c>stats</c> with
/// <c>{"unfinished": n, "failed": n, "completed": n}</c> and keeping other keys. Same format here, so the
/// tools that read it keep working.
/// </summary>
internal static class DoneFile
{
    public static void Write(string path, long unfinished, long failed, long completed, DateTimeOffset now)
    {
        var shelf = Read(path) ?? new JsonObject();
        shelf["stats"] = new JsonObject
        {
            ["py/tuple"] = new JsonArray(
                JsonValue.Create(now.ToUnixTimeMilliseconds() / 1000.0),
                new JsonObject { ["unfinished"] = unfinished, ["failed"] = failed, ["completed"] = completed }),
        };
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Optimal);
        gzip.Write(Encoding.UTF8.GetBytes(shelf.ToJsonString()));
    }

    /// <summary>The existing shelf, or null when there is none or it cannot be read (the original then starts empty).</summary>
    public static JsonObject? Read(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using var file = File.OpenRead(path);
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            return JsonNode.Parse(gzip) as JsonObject;
        }
        catch (Exception exception) when (exception is InvalidDataException or JsonException or IOException)
        {
            return null;
        }
    }
}
