using System.Text;
using ZkSync.LocalCluster.Api;
using ZkSync.LocalCluster.Http.Protobuf;

namespace ZkSync.LocalCluster.Tests.Unit;

/// <summary>Decoding what kubectl's typed clients send (k8s.io/apimachinery/pkg/runtime/serializer/protobuf).</summary>
public sealed class ProtobufDecoderTests
{
    [Fact]
    public void Decode_ConfigMapEnvelope_GivesTheJsonKubectlWouldHaveSent()
    {
        // ObjectMeta{name=1:"settings", labels=11:{app:web}}, ConfigMap{metadata=1, data=2:{mode:fast}, immutable=4:false}
        var metadata = Concat(Text(1, "settings"), Message(11, Concat(Text(1, "app"), Text(2, "web"))), Message(8, []));
        var configMap = Concat(Message(1, metadata), Message(2, Concat(Text(1, "mode"), Text(2, "fast"))));
        var body = Envelope("v1", "ConfigMap", configMap);

        var decoded = ProtobufDecoder.Decode(body);
        Assert.Equal(
            """{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"settings","labels":{"app":"web"}},"data":{"mode":"fast"}}""",
            decoded.ToJsonString());
    }

    [Fact]
    public void Decode_KeepsZeroPointerFields_AndDropsZeroOmitemptyOnes()
    {
        // DeploymentSpec{replicas=1:0 (a pointer), minReadySeconds=5:0 (omitempty), paused=7:false}
        var spec = Concat(Varint(1, 0), Varint(5, 0), Varint(7, 0));
        var decoded = ProtobufDecoder.Decode(Envelope("apps/v1", "Deployment", Message(2, spec)));
        Assert.Equal("""{"replicas":0}""", decoded["spec"]!.ToJsonString());
    }

    [Fact]
    public void Decode_UnknownKind_IsUnsupportedMediaType()
    {
        var error = Assert.Throws<ApiException>(() => ProtobufDecoder.Decode(Envelope("example.com/v1", "Widget", [])));
        Assert.Equal(415, error.Code);
    }

    private static byte[] Envelope(string apiVersion, string kind, byte[] raw) =>
        Concat("k8s\0"u8.ToArray(), Message(1, Concat(Text(1, apiVersion), Text(2, kind))), Message(2, raw));

    private static byte[] Text(int field, string value) => Message(field, Encoding.UTF8.GetBytes(value));

    private static byte[] Message(int field, byte[] payload) => Concat(Tag(field, 2), VarintBytes((ulong)payload.Length), payload);

    private static byte[] Varint(int field, ulong value) => Concat(Tag(field, 0), VarintBytes(value));

    private static byte[] Tag(int field, int wire) => VarintBytes((ulong)((field << 3) | wire));

    private static byte[] VarintBytes(ulong value)
    {
        var bytes = new List<byte>();
        do
        {
            var b = (byte)(value & 0x7f);
            value >>= 7;
            bytes.Add(value == 0 ? b : (byte)(b | 0x80));
        }
        while (value != 0);
        return [.. bytes];
    }

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();
}
