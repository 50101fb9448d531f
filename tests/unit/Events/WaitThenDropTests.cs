using TinyInit.Events;

namespace TinyInit.UnitTests.Events;

/// <summary>The overflow queue and its deadlines, driven by a manual clock: nothing here sleeps.</summary>
public sealed class WaitThenDropTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan HalfWait = TimeSpan.FromMilliseconds(500);

    private readonly ManualClock _clock = new();
    private readonly EventFanout<int> _fanout;

    public WaitThenDropTests() => _fanout = new EventFanout<int>(_clock.Read);

    [Fact]
    public void Events_wait_for_room_move_in_order_and_are_dropped_after_their_deadline()
    {
        Subscription<int> subscriber = _fanout.Subscribe(2, OverflowPolicy.WaitThenDrop, Wait);
        long start = _clock.Now;
        Assert.Null(_fanout.NextDeadline);

        // The channel takes 1 and 2; 3 and 4 wait, both due one Wait from now.
        for (int i = 1; i <= 4; i++)
            _fanout.Publish(i);
        Assert.Equal(start + ManualClock.Ticks(Wait), _fanout.NextDeadline);

        // Before the deadline and without room, Pump changes nothing.
        _clock.Advance(HalfWait);
        _fanout.Pump(_clock.Now);
        Assert.Equal(0, subscriber.Dropped);
        Assert.Equal(start + ManualClock.Ticks(Wait), _fanout.NextDeadline);

        // Reading frees one slot; Pump moves the longest-waiting event into it.
        Assert.Equal([1], subscriber.Reader.Drain(max: 1));
        _fanout.Pump(_clock.Now);
        Assert.Equal(start + ManualClock.Ticks(Wait), _fanout.NextDeadline);

        // 5 waits behind 4, due half a Wait later than 4.
        _fanout.Publish(5);
        Assert.Equal(start + ManualClock.Ticks(Wait), _fanout.NextDeadline);

        // At 4's deadline, with no room, 4 is dropped and 5 becomes the next deadline.
        _clock.Advance(HalfWait);
        _fanout.Pump(_clock.Now);
        Assert.Equal(1, subscriber.Dropped);
        Assert.Equal(start + ManualClock.Ticks(Wait) + ManualClock.Ticks(HalfWait), _fanout.NextDeadline);

        // Once the reader has made room, the next publish moves 5 in before 6.
        Assert.Equal([2, 3], subscriber.Reader.Drain());
        _fanout.Publish(6);
        Assert.Null(_fanout.NextDeadline);
        Assert.Equal([5, 6], subscriber.Reader.Drain());
        Assert.Equal(1, subscriber.Dropped);
    }

    [Fact]
    public void A_new_event_never_overtakes_waiting_ones_even_when_a_slot_is_free()
    {
        Subscription<int> subscriber = _fanout.Subscribe(2, OverflowPolicy.WaitThenDrop, Wait);
        for (int i = 1; i <= 4; i++)
            _fanout.Publish(i);

        // One slot is free, 3 and 4 wait: 3 takes the slot, 4 and 5 wait behind it.
        Assert.Equal([1], subscriber.Reader.Drain(max: 1));
        _fanout.Publish(5);

        Assert.Equal([2, 3], subscriber.Reader.Drain());
        _fanout.Pump(_clock.Now);
        Assert.Equal([4, 5], subscriber.Reader.Drain());
        Assert.Equal(0, subscriber.Dropped);
    }

    [Fact]
    public void A_full_overflow_queue_drops_its_oldest_waiting_event()
    {
        Subscription<int> subscriber = _fanout.Subscribe(2, OverflowPolicy.WaitThenDrop, Wait);
        Assert.Equal(2, subscriber.OverflowCapacity);

        // 1 and 2 fill the channel, 3 and 4 fill the overflow queue, then 5 and 6 push 3 and 4 out.
        for (int i = 1; i <= 6; i++)
            _fanout.Publish(i);

        Assert.Equal(2, subscriber.Dropped);
        Assert.Equal([1, 2], subscriber.Reader.Drain());
        _fanout.Pump(_clock.Now);
        Assert.Equal([5, 6], subscriber.Reader.Drain());
        Assert.Equal(2, subscriber.Dropped);
    }

    [Fact]
    public void An_event_that_fits_at_its_deadline_is_delivered_rather_than_dropped()
    {
        Subscription<int> subscriber = _fanout.Subscribe(1, OverflowPolicy.WaitThenDrop, Wait);
        _fanout.Publish(1);
        _fanout.Publish(2);
        Assert.Equal([1], subscriber.Reader.Drain());

        _clock.Advance(Wait + Wait);
        _fanout.Pump(_clock.Now);

        Assert.Equal([2], subscriber.Reader.Drain());
        Assert.Equal(0, subscriber.Dropped);
    }

    [Fact]
    public void NextDeadline_is_the_earliest_over_all_subscribers()
    {
        Subscription<int> slow = _fanout.Subscribe(1, OverflowPolicy.WaitThenDrop, Wait);
        Subscription<int> quick = _fanout.Subscribe(1, OverflowPolicy.WaitThenDrop, HalfWait);
        _fanout.Subscribe(1, OverflowPolicy.DropOldest);
        long start = _clock.Now;
        _fanout.Publish(1);
        _fanout.Publish(2);
        Assert.Equal(start + ManualClock.Ticks(HalfWait), _fanout.NextDeadline);

        _clock.Advance(HalfWait);
        _fanout.Pump(_clock.Now);
        Assert.Equal(1, quick.Dropped);
        Assert.Equal(start + ManualClock.Ticks(Wait), _fanout.NextDeadline);

        _fanout.Unsubscribe(slow);
        Assert.Null(_fanout.NextDeadline);
        Assert.Equal(1, slow.Dropped);
    }
}
