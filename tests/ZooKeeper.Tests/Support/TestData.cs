using System.Text;

namespace ZkSync.ZooKeeper.Tests.Support;

internal static class TestData
{
    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    public static string Text(byte[] data) => Encoding.UTF8.GetString(data);
}
