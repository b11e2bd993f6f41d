namespace ZkSync.Operator.Tests.Integration.Support;

/// <summary>kubectl's table output split into cells by the header's column positions (cells are left-aligned
/// under their header, and an empty cell leaves only spaces).</summary>
public sealed record PrintedTable(IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyDictionary<string, string>> Rows)
{
    public static PrintedTable Parse(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0];
        var starts = new List<(string Name, int Start)>();
        for (var i = 0; i < header.Length; i++)
        {
            if (header[i] != ' ' && (i == 0 || header[i - 1] == ' '))
            {
                var end = header.IndexOf(' ', i);
                starts.Add((header[i..(end < 0 ? header.Length : end)], i));
            }
        }

        var rows = lines.Skip(1).Select(line => (IReadOnlyDictionary<string, string>)starts.Select((c, k) =>
        {
            var from = Math.Min(c.Start, line.Length);
            var to = k + 1 < starts.Count ? Math.Min(starts[k + 1].Start, line.Length) : line.Length;
            return (c.Name, Value: line[from..to].Trim());
        }).ToDictionary(c => c.Name, c => c.Value, StringComparer.Ordinal)).ToList();
        return new PrintedTable([.. starts.Select(s => s.Name)], rows);
    }
}
