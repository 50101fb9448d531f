using TinyInit.Events;

namespace TinyInit.UnitTests.Events;

public sealed class ExitWaitersTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private static ExitEvent Exit(int pid, ChildRole role = ChildRole.Orphan, int code = 0) =>
        new(pid, code, 0, false, role == ChildRole.Main ? "main" : null, role, pid);

    [Fact]
    public async Task A_registered_waiter_gets_its_exit()
    {
        var waiters = new ExitWaiters();
        Task<ExitEvent> waiting = waiters.Register(100);
        ExitEvent exit = Exit(100, ChildRole.Main, code: 3);

        Assert.True(waiters.TryComplete(exit));

        Assert.Equal(exit, await waiting.WaitAsync(Deadline));
        Assert.Equal(0, waiters.Count);
    }

    [Fact]
    public void An_exit_nobody_waits_for_completes_nothing()
    {
        var waiters = new ExitWaiters();
        Task<ExitEvent> waiting = waiters.Register(100);

        Assert.False(waiters.TryComplete(Exit(101)));
        Assert.False(waiting.IsCompleted);
        Assert.Equal(1, waiters.Count);
    }

    [Fact]
    public async Task A_waiter_is_completed_once_so_a_reused_pid_is_not_taken_for_it()
    {
        var waiters = new ExitWaiters();
        Task<ExitEvent> waiting = waiters.Register(100);
        ExitEvent first = Exit(100, ChildRole.Main, code: 1);

        Assert.True(waiters.TryComplete(first));
        Assert.False(waiters.TryComplete(Exit(100, code: 2)));
        Assert.True(waiting.IsCompletedSuccessfully);
        Assert.Equal(first, await waiting);
    }

    [Fact]
    public void Every_caller_waiting_on_a_pid_gets_the_exit_and_none_can_steal_it()
    {
        var waiters = new ExitWaiters();
        Task<ExitEvent> one = waiters.Register(100);
        Task<ExitEvent> other = waiters.Register(100);

        Assert.Same(one, other);
        Assert.True(waiters.TryComplete(Exit(100)));
        Assert.True(one.IsCompletedSuccessfully);
    }

    [Fact]
    public void Cancel_cancels_the_waiter_and_forgets_the_pid()
    {
        var waiters = new ExitWaiters();
        Task<ExitEvent> waiting = waiters.Register(100);

        waiters.Cancel(100);
        waiters.Cancel(100);
        waiters.Cancel(555);

        Assert.True(waiting.IsCanceled);
        Assert.False(waiters.TryComplete(Exit(100)));
        Assert.Equal(0, waiters.Count);
    }

    [Fact]
    public async Task The_waiter_continuation_never_runs_on_the_reaper_thread()
    {
        var waiters = new ExitWaiters();
        var reaperThread = new Lock();
        Task<bool> ranInsideTryComplete = waiters.Register(100).ContinueWith(
            _ => reaperThread.IsHeldByCurrentThread,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

        lock (reaperThread)
            Assert.True(waiters.TryComplete(Exit(100)));

        Assert.False(await ranInsideTryComplete.WaitAsync(Deadline));
    }

    [Fact]
    public async Task The_main_waiter_gets_its_exit_through_a_flood_that_overflows_every_subscriber()
    {
        const int Flood = 1_000_000;
        const int MainPid = 1_000;
        var clock = new ManualClock();
        var fanout = new EventFanout<ExitEvent>(clock.Read);
        Subscription<ExitEvent> stalled = fanout.Subscribe(16, OverflowPolicy.DropOldest);
        Subscription<ExitEvent> waiting = fanout.Subscribe(16, OverflowPolicy.WaitThenDrop, TimeSpan.FromSeconds(1));
        var waiters = new ExitWaiters();
        Task<ExitEvent> main = waiters.Register(MainPid);
        ExitEvent mainExit = Exit(MainPid, ChildRole.Main, code: 7);

        // The reaper's order for every exit: complete its waiter, then publish it.
        int completed = 0;
        for (int i = 0; i < Flood; i++)
        {
            ExitEvent exit = i == Flood / 2 ? mainExit : Exit(MainPid + 1 + i);
            if (waiters.TryComplete(exit))
                completed++;
            fanout.Publish(exit);
        }

        Assert.Equal(1, completed);
        Assert.True(main.IsCompletedSuccessfully);
        ExitEvent got = await main;
        Assert.Equal(mainExit, got);
        Assert.Equal(7, got.ToExitCode());
        Assert.Equal(Flood - 16, stalled.Dropped);
        Assert.Equal(Flood - 32, waiting.Dropped);
        Assert.DoesNotContain(mainExit, stalled.Reader.Drain());
    }
}
