using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ZkSync.LocalCluster.Api;

namespace ZkSync.LocalCluster.Http.Protobuf;

/// <summary>
/// Decodes a Kubernetes protobuf request body (<c>k8s\0</c> then a runtime.Unknown envelope holding
/// the kind and the object's bytes) into the JSON the same client would have sent, so everything
/// after the HTTP layer sees one format. Zero values of omitempty fields are left out, as Go's JSON
/// encoder leaves them out. A message or field outside <see cref="ProtoSchema"/> is a 415.
/// </summary>
public static class ProtobufDecoder
{
    public const string ContentType = "application/vnd.kubernetes.protobuf";

    private static readonly byte[] Magic = "k8s\0"u8.ToArray();

    private static readonly Dictionary<string, string> GroupPrefixes = new(StringComparer.Ordinal)
    {
        [""] = "core",
        ["apps"] = "apps",
        ["batch"] = "batch",
        ["rbac.authorization.k8s.io"] = "rbac",
        ["authentication.k8s.io"] = "authn",
        ["authorization.k8s.io"] = "authz",
        ["policy"] = "policy",
        ["coordination.k8s.io"] = "coord",
        ["networking.k8s.io"] = "net",
        ["storage.k8s.io"] = "storage",
        ["autoscaling"] = "autoscaling",
        ["meta.k8s.io"] = "meta",
    };

    private static readonly Lazy<Dictionary<string, Dictionary<int, Field>>> Schema = new(ParseSchema);

    public static JsonObject Decode(ReadOnlySpan<byte> body)
    {
        if (!body.StartsWith(Magic))
        {
            throw Unsupported("the body does not start with the Kubernetes protobuf prefix");
        }

        string apiVersion = "", kind = "";
        ReadOnlySpan<byte> raw = default;
        var reader = new Reader(body[Magic.Length..]);
        while (!reader.End)
        {
            var (number, wire) = reader.Tag();
            switch (number)
            {
                case 1:
                    var typeMeta = new Reader(reader.Bytes());
                    while (!typeMeta.End)
                    {
                        var (n, w) = typeMeta.Tag();
                        if (n == 1)
                        {
                            apiVersion = Encoding.UTF8.GetString(typeMeta.Bytes());
                        }
                        else if (n == 2)
                        {
                            kind = Encoding.UTF8.GetString(typeMeta.Bytes());
                        }
                        else
                        {
                            typeMeta.Skip(w);
                        }
                    }

                    break;
                case 2:
                    raw = reader.Bytes();
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        var group = apiVersion.Contains('/', StringComparison.Ordinal) ? apiVersion[..apiVersion.IndexOf('/', StringComparison.Ordinal)] : "";
        if (!GroupPrefixes.TryGetValue(group, out var prefix))
        {
            throw Unsupported($"no protobuf schema for {kind} in {apiVersion}");
        }

        var message = $"{prefix}.{kind}";
        if (!Schema.Value.ContainsKey(message) && kind == "DeleteOptions")
        {
            message = "meta.DeleteOptions";
        }

        var obj = DecodeMessage(raw, message);
        var result = new JsonObject { ["kind"] = kind, ["apiVersion"] = apiVersion };
        foreach (var (key, value) in obj.ToList())
        {
            obj.Remove(key);
            result[key] = value;
        }

        return result;
    }

    private static JsonObject DecodeMessage(ReadOnlySpan<byte> data, string message)
    {
        if (!Schema.Value.TryGetValue(message, out var fields))
        {
            throw Unsupported($"no protobuf schema for message {message}");
        }

        var obj = new JsonObject();
        var reader = new Reader(data);
        while (!reader.End)
        {
            var (number, wire) = reader.Tag();
            if (!fields.TryGetValue(number, out var field))
            {
                throw Unsupported($"field {number} of {message} is not modelled");
            }

            if (field.Repeated && wire == 2 && field.Type is "i" or "b" or "d")
            {
                // A packed repeated scalar: many values in one length-delimited field.
                var packed = new Reader(reader.Bytes());
                while (!packed.End)
                {
                    Append(obj, field, Scalar(ref packed, field.Type, field.Type == "d" ? 1 : 0));
                }

                continue;
            }

            var value = Value(ref reader, field, wire);
            if (field.Inline && value is JsonObject inlined)
            {
                foreach (var (key, inner) in inlined.ToList())
                {
                    inlined.Remove(key);
                    obj[key] = inner;
                }

                continue;
            }

            if (field.Repeated)
            {
                Append(obj, field, value);
            }
            else if (field.Type.StartsWith('m'))
            {
                var map = obj[field.Name] as JsonObject ?? [];
                obj[field.Name] = map;
                var entry = (JsonObject)value!;
                var key = JsonValues(entry["key"]) ?? "";
                map[key] = entry["value"]?.DeepClone();
            }
            else if (field.KeepZero || !IsZero(value))
            {
                obj[field.Name] = value;
            }
        }

        return obj;
    }

    private static string? JsonValues(JsonNode? node) => node?.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : null;

    private static void Append(JsonObject obj, Field field, JsonNode? value)
    {
        var array = obj[field.Name] as JsonArray ?? [];
        obj[field.Name] = array;
        array.Add(value);
    }

    private static bool IsZero(JsonNode? value) => value switch
    {
        null => true,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>().Length == 0,
        JsonValue v when v.GetValueKind() == JsonValueKind.False => true,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.ToJsonString() is "0" or "0.0",
        _ => false,
    };

    private static JsonNode? Value(ref Reader reader, Field field, int wire)
    {
        switch (field.Type)
        {
            case "s" or "i" or "b" or "d":
                return Scalar(ref reader, field.Type, wire);
            case "y":
                return Convert.ToBase64String(reader.Bytes());
        }

        var bytes = reader.Bytes();
        return field.Type switch
        {
            "T" => Time(bytes),
            "Q" => Wrapped(bytes, 1),
            "I" => IntOrString(bytes),
            "R" or "F" => Raw(bytes),
            "D" => Duration(bytes),
            "ms" or "my" or "mq" => MapEntry(bytes, field.Type),
            _ when field.Type.StartsWith("mm@", StringComparison.Ordinal) => MapEntry(bytes, field.Type),
            _ when field.Type.StartsWith('@') => DecodeMessage(bytes, field.Type[1..]),
            _ => throw Unsupported($"field type {field.Type} is not modelled"),
        };
    }

    private static JsonNode? Scalar(ref Reader reader, string type, int wire)
    {
        switch (type)
        {
            case "s":
                return JsonValue.Create(Encoding.UTF8.GetString(reader.Bytes()));
            case "b":
                return JsonValue.Create(reader.Varint() != 0);
            case "i":
                return JsonValue.Create((long)reader.Varint());
            default:
                return wire == 5 ? JsonValue.Create((double)BitConverter.Int32BitsToSingle((int)reader.Fixed32())) : JsonValue.Create(BitConverter.Int64BitsToDouble((long)reader.Fixed64()));
        }
    }

    private static JsonObject MapEntry(ReadOnlySpan<byte> bytes, string type)
    {
        var entry = new JsonObject { ["key"] = "", ["value"] = type == "mq" ? "" : type.StartsWith("mm@", StringComparison.Ordinal) ? new JsonObject() : "" };
        var reader = new Reader(bytes);
        while (!reader.End)
        {
            var (number, wire) = reader.Tag();
            if (number == 1)
            {
                entry["key"] = Encoding.UTF8.GetString(reader.Bytes());
            }
            else if (number == 2)
            {
                var value = reader.Bytes();
                entry["value"] = type switch
                {
                    "ms" => Encoding.UTF8.GetString(value),
                    "my" => Convert.ToBase64String(value),
                    "mq" => Wrapped(value, 1),
                    _ => DecodeMessage(value, type[3..]),
                };
            }
            else
            {
                reader.Skip(wire);
            }
        }

        return entry;
    }

    private static JsonNode? Time(ReadOnlySpan<byte> bytes)
    {
        long seconds = 0, nanos = 0;
        var reader = new Reader(bytes);
        while (!reader.End)
        {
            var (number, wire) = reader.Tag();
            if (number == 1)
            {
                seconds = (long)reader.Varint();
            }
            else if (number == 2)
            {
                nanos = (long)reader.Varint();
            }
            else
            {
                reader.Skip(wire);
            }
        }

        if (seconds == 0 && nanos == 0)
        {
            return null;
        }

        var time = DateTimeOffset.FromUnixTimeSeconds(seconds).AddTicks(nanos / 100);
        return nanos == 0
            ? Resources.Metadata.Timestamp(time)
            : time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
    }

    private static JsonNode? Wrapped(ReadOnlySpan<byte> bytes, int field)
    {
        var reader = new Reader(bytes);
        while (!reader.End)
        {
            var (number, wire) = reader.Tag();
            if (number == field)
            {
                return Encoding.UTF8.GetString(reader.Bytes());
            }

            reader.Skip(wire);
        }

        return "";
    }

    private static JsonNode? IntOrString(ReadOnlySpan<byte> bytes)
    {
        long type = 0, number = 0;
        string text = "";
        var reader = new Reader(bytes);
        while (!reader.End)
        {
            var (n, wire) = reader.Tag();
            switch (n)
            {
                case 1:
                    type = (long)reader.Varint();
                    break;
                case 2:
                    number = (long)reader.Varint();
                    break;
                case 3:
                    text = Encoding.UTF8.GetString(reader.Bytes());
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        return type == 1 ? JsonValue.Create(text) : JsonValue.Create((int)number);
    }

    private static JsonNode? Raw(ReadOnlySpan<byte> bytes)
    {
        var reader = new Reader(bytes);
        while (!reader.End)
        {
            var (number, wire) = reader.Tag();
            if (number == 1)
            {
                var raw = reader.Bytes();
                try
                {
                    return JsonNode.Parse(raw);
                }
                catch (JsonException)
                {
                    return Convert.ToBase64String(raw);
                }
            }

            reader.Skip(wire);
        }

        return null;
    }

    private static JsonNode? Duration(ReadOnlySpan<byte> bytes)
    {
        var reader = new Reader(bytes);
        long nanoseconds = 0;
        while (!reader.End)
        {
            var (number, wire) = reader.Tag();
            if (number == 1)
            {
                nanoseconds = (long)reader.Varint();
            }
            else
            {
                reader.Skip(wire);
            }
        }

        var span = TimeSpan.FromTicks(nanoseconds / 100);
        var text = new StringBuilder();
        if (span.TotalHours >= 1)
        {
            text.Append(CultureInfo.InvariantCulture, $"{(long)span.TotalHours}h");
        }

        if (span.TotalMinutes >= 1)
        {
            text.Append(CultureInfo.InvariantCulture, $"{span.Minutes}m");
        }

        text.Append(CultureInfo.InvariantCulture, $"{span.Seconds + (span.Milliseconds / 1000.0)}s");
        return text.ToString();
    }

    private static ApiException Unsupported(string detail) =>
        new(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf ({detail})");

    private static Dictionary<string, Dictionary<int, Field>> ParseSchema()
    {
        var schema = new Dictionary<string, Dictionary<int, Field>>(StringComparer.Ordinal);
        foreach (var (message, text) in ProtoSchema.Messages)
        {
            var fields = new Dictionary<int, Field>();
            foreach (var part in text.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var tokens = part.Split(' ');
                var type = tokens[2];
                var repeated = type.Contains('*', StringComparison.Ordinal);
                var keep = type.Contains('!', StringComparison.Ordinal);
                var inline = type.Contains('^', StringComparison.Ordinal);
                fields[int.Parse(tokens[0], CultureInfo.InvariantCulture)] = new Field(tokens[1], type.TrimEnd('*', '!', '^'), repeated, keep, inline);
            }

            schema[message] = fields;
        }

        return schema;
    }

    private sealed record Field(string Name, string Type, bool Repeated, bool KeepZero, bool Inline);

    private ref struct Reader
    {
        private ReadOnlySpan<byte> _data;

        public Reader(ReadOnlySpan<byte> data) => _data = data;

        public readonly bool End => _data.IsEmpty;

        public (int Number, int Wire) Tag()
        {
            var tag = Varint();
            return ((int)(tag >> 3), (int)(tag & 7));
        }

        public ulong Varint()
        {
            ulong value = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                if (_data.IsEmpty)
                {
                    throw Unsupported("truncated varint");
                }

                var b = _data[0];
                _data = _data[1..];
                value |= (ulong)(b & 0x7f) << shift;
                if ((b & 0x80) == 0)
                {
                    return value;
                }
            }

            throw Unsupported("malformed varint");
        }

        public ReadOnlySpan<byte> Bytes()
        {
            var length = (int)Varint();
            if (length > _data.Length)
            {
                throw Unsupported("truncated field");
            }

            var bytes = _data[..length];
            _data = _data[length..];
            return bytes;
        }

        public uint Fixed32()
        {
            var value = BinaryPrimitives.ReadUInt32LittleEndian(_data);
            _data = _data[4..];
            return value;
        }

        public ulong Fixed64()
        {
            var value = BinaryPrimitives.ReadUInt64LittleEndian(_data);
            _data = _data[8..];
            return value;
        }

        public void Skip(int wire)
        {
            switch (wire)
            {
                case 0:
                    Varint();
                    break;
                case 1:
                    _data = _data[8..];
                    break;
                case 2:
                    Bytes();
                    break;
                case 5:
                    _data = _data[4..];
                    break;
                default:
                    throw Unsupported($"wire type {wire} is not supported");
            }
        }
    }
}
