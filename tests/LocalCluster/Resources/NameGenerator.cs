namespace ZkSync.LocalCluster.Resources;

/// <summary>The random suffixes the real server appends (generateName, kube-api-access volumes): 5 characters without vowels.</summary>
public static class NameGenerator
{
    private const string Alphabet = "bcdfghjklmnpqrstvwxz2456789";

    public static string RandomSuffix() =>
        string.Create(5, 0, (chars, _) =>
        {
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = Alphabet[Random.Shared.Next(Alphabet.Length)];
            }
        });
}
