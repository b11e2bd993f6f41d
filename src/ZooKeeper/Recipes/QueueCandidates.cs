using System.Diagnostics.CodeAnalysis;

namespace ZkSync.ZooKeeper.Recipes;

/// <summary>
/// The untaken entry names of one listing, in queue order, each handed out once. Handed out in order,
/// except after <see cref="Scatter"/>: then the next one is a random untried name of the first untried
/// name's priority, and the names after it follow, wrapping to the first untried one at the end of
/// that priority. So consumers that listed at the same time spread over the queue instead of all
/// chasing its head, while a lower priority is never handed out before a higher one. Pure: no I/O.
/// </summary>
internal sealed class QueueCandidates(Random random)
{
    private string[] _names = [];
    private Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private bool[] _tried = [];
    private int[] _priorityEnd = [];
    private int _head;
    private int _cursor;

    /// <summary>Names not yet handed out.</summary>
    public int Count { get; private set; }

    /// <summary>Replaces the candidates with <paramref name="sortedNames"/> (kazoo order: ordinal).</summary>
    public void Reset(string[] sortedNames)
    {
        ArgumentNullException.ThrowIfNull(sortedNames);
        _names = sortedNames;
        _index = new Dictionary<string, int>(sortedNames.Length, StringComparer.Ordinal);
        for (var i = 0; i < sortedNames.Length; i++)
        {
            _index[sortedNames[i]] = i;
        }

        _tried = new bool[sortedNames.Length];
        _priorityEnd = new int[sortedNames.Length];
        for (var end = sortedNames.Length; end > 0;)
        {
            var priority = PriorityPrefix(sortedNames[end - 1]);
            var start = end - 1;
            while (start > 0 && PriorityPrefix(sortedNames[start - 1]).SequenceEqual(priority))
            {
                start--;
            }

            Array.Fill(_priorityEnd, end, start, end - start);
            end = start;
        }

        _head = 0;
        _cursor = 0;
        Count = sortedNames.Length;
    }

    public void Clear() => Reset([]);

    /// <summary>The next name to try; false when all were handed out.</summary>
    public bool TryNext([NotNullWhen(true)] out string? name)
    {
        while (_head < _names.Length && _tried[_head])
        {
            _head++;
        }

        if (_head == _names.Length)
        {
            name = null;
            return false;
        }

        var end = _priorityEnd[_head];
        var index = Math.Max(_cursor, _head);
        while (index < end && _tried[index])
        {
            index++;
        }

        if (index >= end)
        {
            index = _head;
        }

        _tried[index] = true;
        _cursor = index + 1;
        Count--;
        name = _names[index];
        return true;
    }

    /// <summary>Names handed out but not used (looked at, then left for a later take): they are handed out
    /// again, first.</summary>
    public void Return(IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        foreach (var name in names)
        {
            if (_index.TryGetValue(name, out var index) && _tried[index])
            {
                _tried[index] = false;
                Count++;
                _head = Math.Min(_head, index);
                _cursor = Math.Min(_cursor, index);
            }
        }
    }

    /// <summary>Someone else works where we are: continue at a random untried name of the current priority.</summary>
    public void Scatter()
    {
        while (_head < _names.Length && _tried[_head])
        {
            _head++;
        }

        if (_head < _names.Length)
        {
            _cursor = random.Next(_head, _priorityEnd[_head]);
        }
    }

    /// <summary><c>entry-PPP-</c> of <c>entry-PPP-&lt;seq&gt;</c> (everything up to the last dash).</summary>
    private static ReadOnlySpan<char> PriorityPrefix(string name) => name.AsSpan(0, name.LastIndexOf('-') + 1);
}
