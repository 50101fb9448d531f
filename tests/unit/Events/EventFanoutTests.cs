using TinyInit.Events;
using static TinyInit.UnitTests.Events.ChannelTesting;

namespace TinyInit.UnitTests.Events;

/// <summary>Single-threaded, deterministic: the test is both the loop that publishes and the readers.</summary>
public sealed class EventFanoutTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(1);

    [Fact]
    public void Each_subscriber_receives_events_in_publish_order_while_it_reads_in_bursts()
    {
        const int Total = 1_000;
        var clock = new ManualClock();
        var fanout = new EventFanout<int>(clock.Read);
        Subscription<int>[] subscribers =
        [
            fanout.Subscribe(2_000, OverflowPolicy.DropOldest),
            fanout.Subscribe(3, OverflowPolicy.DropOldest),
            fanout.Subscribe(5, OverflowPolicy.WaitThenDrop, Wait),
            fanout.Subscribe(1, OverflowPolicy.WaitThenDrop, Wait),
            fanout.Subscribe(7, OverflowPolicy.DropOldest),
        ];
        var received = new List<int>[subscribers.Length];
        for (int s = 0; s < subscribers.Length; s++)
            received[s] = [];

        for (int i = 0; i < Total; i++)
        {
            fanout.Publish(i);
            if (i % 7 == 0)
            {
                for (int s = 0; s < subscribers.Length; s++)
                    received[s].AddRange(subscribers[s].Reader.Drain(max: 2));
            }

            if (i % 50 == 0)
            {
                clock.Advance(Wait);
                fanout.Pump(clock.Now);
            }
        }

        fanout.Complete();
        for (int s = 0; s < subscribers.Length; s++)
        {
            received[s].AddRange(subscribers[s].Reader.Drain());
            Assert.True(subscribers[s].Reader.Completion.IsCompleted);
            AssertStrictlyIncreasing(received[s]);
            Assert.Equal(Total, received[s].Count + subscribers[s].Dropped);
        }

        Assert.Equal(Range(0, Total), received[0]);
        Assert.Equal(0, subscribers[0].Dropped);
    }

    [Fact]
    public void A_subscriber_that_never_reads_never_blocks_publish_and_keeps_the_newest_events()
    {
        const int Total = 100_000;
        const int Capacity = 16;
        var fanout = new EventFanout<int>();
        Subscription<int> stalled = fanout.Subscribe(Capacity, OverflowPolicy.DropOldest);

        for (int i = 0; i < Total; i++)
            fanout.Publish(i);

        Assert.Equal(Total - Capacity, stalled.Dropped);
        Assert.Equal(Range(Total - Capacity, Capacity), stalled.Reader.Drain());
        Assert.Null(fanout.NextDeadline);
    }

    [Fact]
    public void Drop_counts_are_exact_for_every_policy_at_once()
    {
        var clock = new ManualClock();
        var fanout = new EventFanout<int>(clock.Read);
        Subscription<int> newest = fanout.Subscribe(4, OverflowPolicy.DropOldest);
        Subscription<int> waiting = fanout.Subscribe(4, OverflowPolicy.WaitThenDrop, Wait);
        Subscription<int> roomy = fanout.Subscribe(100, OverflowPolicy.DropOldest);
        Subscription<int> roomyWaiting = fanout.Subscribe(100, OverflowPolicy.WaitThenDrop, Wait);

        for (int i = 0; i < 50; i++)
            fanout.Publish(i);

        Assert.Equal(46, newest.Dropped);
        // 4 in the channel, the 4 newest of the rest waiting, 42 pushed out of the overflow queue.
        Assert.Equal(4, waiting.OverflowCapacity);
        Assert.Equal(42, waiting.Dropped);
        Assert.Equal(0, roomy.Dropped);
        Assert.Equal(0, roomyWaiting.Dropped);

        clock.Advance(Wait);
        fanout.Pump(clock.Now);

        Assert.Equal(46, waiting.Dropped);
        Assert.Equal([46, 47, 48, 49], newest.Reader.Drain());
        Assert.Equal([0, 1, 2, 3], waiting.Reader.Drain());
        Assert.Equal(Range(0, 50), roomy.Reader.Drain());
        Assert.Equal(Range(0, 50), roomyWaiting.Reader.Drain());
    }

    [Fact]
    public void Complete_moves_what_fits_counts_the_rest_and_completes_every_reader()
    {
        var clock = new ManualClock();
        var fanout = new EventFanout<int>(clock.Read);
        Subscription<int> waiting = fanout.Subscribe(4, OverflowPolicy.WaitThenDrop, Wait);
        Subscription<int> newest = fanout.Subscribe(4, OverflowPolicy.DropOldest);
        for (int i = 0; i < 8; i++)
            fanout.Publish(i);
        Assert.Equal([0, 1], waiting.Reader.Drain(max: 2));

        fanout.Complete();

        Assert.Equal([2, 3, 4, 5], waiting.Reader.Drain());
        Assert.Equal(2, waiting.Dropped);
        Assert.Equal([4, 5, 6, 7], newest.Reader.Drain());
        Assert.Equal(4, newest.Dropped);
        Assert.True(waiting.Reader.Completion.IsCompletedSuccessfully);
        Assert.True(newest.Reader.Completion.IsCompletedSuccessfully);
        Assert.Null(fanout.NextDeadline);
        Assert.Equal(0, fanout.SubscriberCount);
    }

    [Fact]
    public void A_subscriber_sees_everything_published_after_it_subscribed_and_nothing_before()
    {
        var fanout = new EventFanout<int>();
        Subscription<int> early = fanout.Subscribe(10, OverflowPolicy.DropOldest);
        fanout.Publish(1);
        Subscription<int> late = fanout.Subscribe(10, OverflowPolicy.DropOldest);
        fanout.Publish(2);

        Assert.Equal([1, 2], early.Reader.Drain());
        Assert.Equal([2], late.Reader.Drain());
    }

    [Fact]
    public void Unsubscribe_completes_the_reader_after_what_it_holds_and_leaves_the_others_alone()
    {
        var clock = new ManualClock();
        var fanout = new EventFanout<int>(clock.Read);
        Subscription<int> leaving = fanout.Subscribe(2, OverflowPolicy.WaitThenDrop, Wait);
        Subscription<int> staying = fanout.Subscribe(10, OverflowPolicy.DropOldest);
        for (int i = 0; i < 4; i++)
            fanout.Publish(i);
        Assert.Equal([0], leaving.Reader.Drain(max: 1));

        fanout.Unsubscribe(leaving);
        fanout.Unsubscribe(leaving);
        fanout.Publish(4);

        // 2 moved into the room the read made; 3 did not fit and is counted.
        Assert.Equal([1, 2], leaving.Reader.Drain());
        Assert.Equal(1, leaving.Dropped);
        Assert.True(leaving.Reader.Completion.IsCompletedSuccessfully);
        Assert.Null(fanout.NextDeadline);
        Assert.Equal(1, fanout.SubscriberCount);
        Assert.Equal([0, 1, 2, 3, 4], staying.Reader.Drain());
    }

    [Fact]
    public void After_complete_publishing_is_ignored_and_new_subscriptions_come_back_completed()
    {
        var fanout = new EventFanout<int>();
        fanout.Complete();
        fanout.Publish(1);
        Subscription<int> late = fanout.Subscribe(4, OverflowPolicy.DropOldest);

        Assert.True(late.Reader.Completion.IsCompletedSuccessfully);
        Assert.Empty(late.Reader.Drain());
        Assert.Equal(0, fanout.SubscriberCount);
    }

    [Fact]
    public void Subscribe_rejects_settings_that_cannot_mean_what_they_say()
    {
        var fanout = new EventFanout<int>();

        Assert.Throws<ArgumentOutOfRangeException>(() => fanout.Subscribe(0, OverflowPolicy.DropOldest));
        Assert.Throws<ArgumentOutOfRangeException>(() => fanout.Subscribe(4, OverflowPolicy.WaitThenDrop));
        Assert.Throws<ArgumentOutOfRangeException>(() => fanout.Subscribe(4, OverflowPolicy.WaitThenDrop, TimeSpan.FromSeconds(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => fanout.Subscribe(4, OverflowPolicy.DropOldest, Wait));
        Assert.Throws<ArgumentOutOfRangeException>(() => fanout.Subscribe(4, (OverflowPolicy)7, Wait));
        Assert.Equal(0, fanout.SubscriberCount);
    }

    [Fact]
    public void Unsubscribe_rejects_a_subscription_of_another_fanout()
    {
        var mine = new EventFanout<int>();
        var theirs = new EventFanout<int>();
        Subscription<int> subscription = theirs.Subscribe(4, OverflowPolicy.DropOldest);

        Assert.Throws<ArgumentException>(() => mine.Unsubscribe(subscription));
        Assert.False(subscription.Reader.Completion.IsCompleted);
    }
}
