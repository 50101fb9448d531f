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

    [Fact]
    public void TakeDropped_reports_each_loss_once_at_the_place_in_the_stream_where_it_happened()
    {
        var fanout = new EventFanout<int>();
        Subscription<int> reader = fanout.Subscribe(4);
        var stream = new List<string>();
        void ReadAll(int max)
        {
            for (int i = 0; i < max; i++)
            {
                long lost = reader.TakeDropped();
                if (lost > 0)
                    stream.Add($"lost {lost}");
                if (!reader.TryRead(out int item))
                    return;
                stream.Add(item.ToString());
            }
        }

        for (int i = 0; i < 10; i++)
            fanout.Publish(i);
        ReadAll(max: 2);
        for (int i = 10; i < 14; i++)
            fanout.Publish(i);
        ReadAll(max: int.MaxValue);

        // 0-5 fell out before anything was read; 8 and 9 were pushed out by 12 and 13.
        Assert.Equal(["lost 6", "6", "7", "lost 2", "10", "11", "12", "13"], stream);
        Assert.Equal(0, reader.TakeDropped());
        Assert.Equal(8, reader.Dropped);
    }

    [Fact]
    public void Reports_of_losses_taken_while_publishing_add_up_to_what_was_published()
    {
        const int Total = 5_000;
        var fanout = new EventFanout<int>();
        Subscription<int>[] readers = [fanout.Subscribe(3), fanout.Subscribe(64), fanout.Subscribe(1)];
        var received = new int[readers.Length];
        var reported = new long[readers.Length];
        var last = new int[] { -1, -1, -1 };
        for (int i = 0; i < Total; i++)
        {
            fanout.Publish(i);
            for (int r = 0; r < readers.Length; r++)
            {
                // Each reader reads at its own pace: the first often, the second in bursts, the third rarely.
                if (i % (r * 37 + 5) != 0)
                    continue;
                reported[r] += readers[r].TakeDropped();
                while (readers[r].TryRead(out int item))
                {
                    // Everything between the last item read and this one was reported lost, no more.
                    Assert.True(item > last[r]);
                    received[r]++;
                    last[r] = item;
                }

                Assert.Equal(last[r] + 1, received[r] + reported[r]);
            }
        }

        for (int r = 0; r < readers.Length; r++)
        {
            reported[r] += readers[r].TakeDropped();
            while (readers[r].TryRead(out _))
                received[r]++;
            Assert.Equal(Total, received[r] + reported[r]);
            Assert.Equal(readers[r].Dropped, reported[r]);
        }
    }

    [Fact]
    public void Readers_that_come_and_go_while_events_are_published_each_account_for_exactly_their_share()
    {
        // Control clients subscribe and leave at any point between publishes, as the loop runs.
        var fanout = new EventFanout<int>();
        var random = new Random(12);
        var live = new List<(Subscription<int> Reader, int First, List<int> Got, long[] Lost)>();
        var done = new List<(Subscription<int> Reader, int First, int End, List<int> Got, long Lost)>();
        for (int i = 0; i < 20_000; i++)
        {
            if (random.Next(50) == 0)
                live.Add((fanout.Subscribe(random.Next(1, 40)), i, [], [0]));
            fanout.Publish(i);
            foreach ((Subscription<int> reader, _, List<int> got, long[] lost) in live)
            {
                if (random.Next(4) != 0)
                    continue;
                lost[0] += reader.TakeDropped();
                for (int n = random.Next(10); n > 0 && reader.TryRead(out int item); n--)
                    got.Add(item);
            }

            if (live.Count > 0 && random.Next(60) == 0)
            {
                int index = random.Next(live.Count);
                (Subscription<int> reader, int first, List<int> got, long[] lost) = live[index];
                live.RemoveAt(index);
                fanout.Unsubscribe(reader);
                lost[0] += reader.TakeDropped();
                while (reader.TryRead(out int item))
                    got.Add(item);
                done.Add((reader, first, i + 1, got, lost[0]));
            }
        }

        Assert.True(done.Count > 100);
        foreach ((Subscription<int> reader, int first, int end, List<int> got, long lost) in done)
        {
            AssertStrictlyIncreasing(got);
            Assert.All(got, item => Assert.InRange(item, first, end - 1));
            Assert.Equal(end - first, got.Count + lost);
            Assert.Equal(reader.Dropped, lost);
        }
    }

    [Fact]
    public void A_reader_that_left_while_events_were_published_still_takes_its_losses_once()
    {
        var fanout = new EventFanout<int>();
        Subscription<int> steady = fanout.Subscribe(100);
        Subscription<int> leaving = fanout.Subscribe(2);
        for (int i = 0; i < 5; i++)
            fanout.Publish(i);
        fanout.Unsubscribe(leaving);
        for (int i = 5; i < 10; i++)
            fanout.Publish(i);

        Assert.Equal(3, leaving.TakeDropped());
        Assert.Equal([3, 4], Drain(leaving));
        Assert.Equal(0, leaving.TakeDropped());
        Assert.Equal(Enumerable.Range(0, 10), Drain(steady));
        Assert.Equal(0, steady.TakeDropped());
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
