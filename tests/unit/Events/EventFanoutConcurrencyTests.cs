using System.Diagnostics;
using TinyInit.Events;
using static TinyInit.UnitTests.Events.ChannelTesting;

namespace TinyInit.UnitTests.Events;

/// <summary>
/// Readers and unsubscribers on other threads while one thread publishes, as in tinyinit.
/// Nothing sleeps: each wait has a deadline and ends as soon as its condition holds.
/// </summary>
public sealed class EventFanoutConcurrencyTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Eight_concurrent_readers_each_get_every_event_in_order_or_a_counted_drop()
    {
        const int Total = 100_000;
        var fanout = new EventFanout<int>();
        Subscription<int>[] subscribers =
        [
            fanout.Subscribe(Total, OverflowPolicy.DropOldest),
            fanout.Subscribe(16, OverflowPolicy.DropOldest),
            fanout.Subscribe(256, OverflowPolicy.DropOldest),
            fanout.Subscribe(4_096, OverflowPolicy.DropOldest),
            fanout.Subscribe(16, OverflowPolicy.WaitThenDrop, TimeSpan.FromMilliseconds(1)),
            fanout.Subscribe(256, OverflowPolicy.WaitThenDrop, TimeSpan.FromMilliseconds(10)),
            fanout.Subscribe(4_096, OverflowPolicy.WaitThenDrop, TimeSpan.FromSeconds(1)),
            fanout.Subscribe(1, OverflowPolicy.WaitThenDrop, TimeSpan.FromMilliseconds(1)),
        ];
        Task<List<int>>[] readers = [.. subscribers.Select(s => s.Reader.ReadToEndAsync())];

        // The test thread plays the event loop: publish, and pump when a deadline is due.
        for (int i = 0; i < Total; i++)
        {
            fanout.Publish(i);
            if (fanout.NextDeadline is long due && Stopwatch.GetTimestamp() >= due)
                fanout.Pump(Stopwatch.GetTimestamp());
        }

        fanout.Complete();

        List<int>[] received = await Task.WhenAll(readers).WaitAsync(Deadline);
        for (int s = 0; s < subscribers.Length; s++)
        {
            AssertStrictlyIncreasing(received[s]);
            Assert.Equal(Total, received[s].Count + subscribers[s].Dropped);
        }

        Assert.Equal(Range(0, Total), received[0]);
    }

    [Fact]
    public Task Unsubscribing_a_drop_oldest_subscriber_while_another_thread_publishes_is_safe() =>
        UnsubscribeWhilePublishing(OverflowPolicy.DropOldest);

    [Fact]
    public Task Unsubscribing_a_wait_then_drop_subscriber_while_another_thread_publishes_is_safe() =>
        UnsubscribeWhilePublishing(OverflowPolicy.WaitThenDrop);

    /// <summary>The reader completes, its drop count is final once Unsubscribe returns, and the publisher carries on for the others.</summary>
    private static async Task UnsubscribeWhilePublishing(OverflowPolicy policy)
    {
        var fanout = new EventFanout<int>();
        Subscription<int> witness = fanout.Subscribe(1_024, OverflowPolicy.DropOldest);
        Subscription<int> leaving = fanout.Subscribe(
            64, policy, policy == OverflowPolicy.WaitThenDrop ? TimeSpan.FromMinutes(1) : TimeSpan.Zero);
        Task<List<int>> witnessReader = witness.Reader.ReadToEndAsync();
        Task<List<int>> leavingReader = leaving.Reader.ReadToEndAsync();

        int published = 0;
        bool stop = false;
        Exception? publisherFailure = null;
        var publisher = new Thread(() =>
        {
            try
            {
                for (int i = 0; !Volatile.Read(ref stop); i++)
                {
                    fanout.Publish(i);
                    Volatile.Write(ref published, i + 1);
                }

                fanout.Complete();
            }
            catch (Exception e)
            {
                publisherFailure = e;
            }
        }) { IsBackground = true, Name = "test publisher" };
        publisher.Start();

        Assert.True(await UntilAsync(() => Volatile.Read(ref published) > 10_000), "the publisher did not start");
        fanout.Unsubscribe(leaving);
        long droppedAtUnsubscribe = leaving.Dropped;
        int publishedAtUnsubscribe = Volatile.Read(ref published);
        List<int> leavingReceived = await leavingReader.WaitAsync(Deadline);

        // The publisher carries on past the unsubscribe before it is stopped.
        Assert.True(await UntilAsync(() => Volatile.Read(ref published) > publishedAtUnsubscribe + 10_000), "the publisher stalled");
        Volatile.Write(ref stop, true);
        Assert.True(publisher.Join(Deadline), "the publisher did not finish");
        List<int> witnessReceived = await witnessReader.WaitAsync(Deadline);

        Assert.Null(publisherFailure);
        Assert.True(leaving.Reader.Completion.IsCompletedSuccessfully);
        AssertStrictlyIncreasing(leavingReceived);
        Assert.True(leavingReceived.Count + droppedAtUnsubscribe <= publishedAtUnsubscribe + 1);
        Assert.Equal(droppedAtUnsubscribe, leaving.Dropped);
        AssertStrictlyIncreasing(witnessReceived);
        Assert.Equal(Volatile.Read(ref published), witnessReceived.Count + witness.Dropped);
    }

    /// <summary>Polls every 10 ms until the condition holds or the deadline passes.</summary>
    private static async Task<bool> UntilAsync(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > Deadline)
                return false;
            await Task.Delay(10);
        }

        return true;
    }
}
