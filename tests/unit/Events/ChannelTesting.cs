namespace TinyInit.UnitTests.Events;

internal static class ChannelTesting
{
    /// <summary>Every event the reader holds right now, without waiting.</summary>
    public static List<T> Drain<T>(this ChannelReader<T> reader, int max = int.MaxValue)
    {
        var items = new List<T>();
        while (items.Count < max && reader.TryRead(out T? item))
            items.Add(item);
        return items;
    }

    /// <summary>Reads until the reader completes, on a thread-pool thread of its own.</summary>
    public static Task<List<T>> ReadToEndAsync<T>(this ChannelReader<T> reader) => Task.Run(async () =>
    {
        var items = new List<T>();
        await foreach (T item in reader.ReadAllAsync())
            items.Add(item);
        return items;
    });

    public static void AssertStrictlyIncreasing(IReadOnlyList<int> items)
    {
        for (int i = 1; i < items.Count; i++)
        {
            if (items[i] <= items[i - 1])
                Assert.Fail($"out of order at index {i}: {items[i - 1]} then {items[i]}");
        }
    }

    public static int[] Range(int start, int count) => [.. Enumerable.Range(start, count)];
}
