using TinyInit.Events;

namespace TinyInit.UnitTests.Events;

/// <summary>Single-threaded and deterministic, like the loop: the test publishes and reads.</summary>
public sealed class EventFanoutTests
{
    [Fact]
    public void Each_subscriber_receives_events_in_publish_order_and_counts_exactly_what_it_lost()
    {
        const int Total = 1_000;
        var fanout = new EventFanout<int>();
        Subscription<int>[] subscribers = [fanout.Subscribe(2_000), fanout.Subscribe(3), fanout.Subscribe(1), fanout.Subscribe(7)];
        var received = subscribers.Select(_ => new List<int>()).ToArray();

        for (int i = 0; i < Total; i++)
        {
            fanout.Publish(i);
            if (i % 7 == 0)
            {
                for (int s = 0; s < subscribers.Length; s++)
                    received[s].AddRange(Drain(subscribers[s], max: 2));
            }
        }

        fanout.Complete();
        for (int s = 0; s < subscribers.Length; s++)
        {
            received[s].AddRange(Drain(subscribers[s]));
            Assert.True(subscribers[s].IsClosed);
            AssertStrictlyIncreasing(received[s]);
            Assert.Equal(Total, received[s].Count + subscribers[s].Dropped);
        }

        Assert.Equal(Enumerable.Range(0, Total), received[0]);
        Assert.Equal(0, subscribers[0].Dropped);
    }

    [Fact]
    public void A_subscriber_that_never_reads_keeps_the_newest_events_and_counts_the_rest()
    {
        var fanout = new EventFanout<int>();
        Subscription<int> stalled = fanout.Subscribe(4);
        for (int i = 0; i < 10_000; i++)
            fanout.Publish(i);

        Assert.Equal([9_996, 9_997, 9_998, 9_999], Drain(stalled));
        Assert.Equal(9_996, stalled.Dropped);
    }

    [Fact]
    public void A_subscriber_sees_only_what_is_published_after_it_subscribed_and_nothing_after_it_left()
    {
        var fanout = new EventFanout<int>();
        fanout.Publish(1);
        Subscription<int> late = fanout.Subscribe(10);
        fanout.Publish(2);
        fanout.Publish(3);
        fanout.Unsubscribe(late);
        fanout.Publish(4);

        Assert.Equal([2, 3], Drain(late));
        Assert.Equal(0, late.Dropped);
        Assert.Equal(0, fanout.SubscriberCount);
    }

    [Fact]
    public void Subscribing_and_unsubscribing_between_publishes_leaves_every_other_subscriber_whole()
    {
        var fanout = new EventFanout<int>();
        Subscription<int> steady = fanout.Subscribe(100);
        var transient = new List<Subscription<int>>();
        for (int i = 0; i < 50; i++)
        {
            fanout.Publish(i);
            transient.Add(fanout.Subscribe(2));
            if (i % 3 == 0)
                fanout.Unsubscribe(transient[i / 2]);
        }

        Assert.Equal(Enumerable.Range(0, 50), Drain(steady));
        foreach (Subscription<int> subscriber in transient)
        {
            List<int> got = Drain(subscriber);
            AssertStrictlyIncreasing(got);
            Assert.True(got.Count <= 2);
        }
    }

    [Fact]
    public void Unsubscribe_is_idempotent_and_rejects_a_subscription_of_another_fanout()
    {
        var fanout = new EventFanout<int>();
        Subscription<int> subscriber = fanout.Subscribe(1);
        fanout.Unsubscribe(subscriber);
        fanout.Unsubscribe(subscriber);
        Assert.Throws<ArgumentException>(() => new EventFanout<int>().Unsubscribe(subscriber));
    }

    [Fact]
    public void After_complete_publishes_are_ignored_and_new_subscriptions_come_back_closed()
    {
        var fanout = new EventFanout<int>();
        fanout.Complete();
        Subscription<int> late = fanout.Subscribe(3);
        fanout.Publish(1);

        Assert.True(late.IsClosed);
        Assert.Empty(Drain(late));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void A_capacity_below_one_is_rejected(int capacity) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new EventFanout<int>().Subscribe(capacity));

    private static List<int> Drain(Subscription<int> subscription, int max = int.MaxValue)
    {
        var items = new List<int>();
        while (items.Count < max && subscription.TryRead(out int item))
            items.Add(item);
        return items;
    }

    private static void AssertStrictlyIncreasing(List<int> items)
    {
        for (int i = 1; i < items.Count; i++)
            Assert.True(items[i - 1] < items[i], $"out of order at {i}: {items[i - 1]} then {items[i]}");
    }
}
