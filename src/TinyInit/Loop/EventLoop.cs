using System;
using System.Collections.Generic;
using TinyInit.Diagnostics;
using TinyInit.Interop;
using Tmds.Linux;

namespace TinyInit.Loop;

/// <summary>
/// Overview: tinyinit's one event loop, only a loop: epoll(7), the fd handlers that the parts
/// owning the fds register, and the deadlines of the parts that wait for time. It knows nothing
/// of signals, children or services (docs/design.md, "The loop").
///
/// One turn (<see cref="RunOnce"/>): sleep in epoll_wait until an fd is ready or the earliest
/// deadline comes (no timeout at all when nothing is due, so an idle tinyinit never wakes up);
/// call each ready fd's handler once; then give every <see cref="ITurnWork"/> its turn, which
/// acts on deadlines that have passed and does its share of pending work. The rule for work that
/// can wait: every handler and every turn does a bounded amount of work and leaves the rest for the
/// next turn (it says so through <see cref="ITurnWork.HasPendingWork"/>, which makes the next
/// epoll_wait return at once). So no source can starve another: a signal storm costs one batch per
/// turn, and the reaper and the deadlines still run every turn.
///
/// Errors: an exception in one handler is logged and the turn goes on (after the main child is
/// spawned nothing may end tinyinit early, as catatonit does). epoll_wait retries EINTR; any other
/// error is logged once, and the loop then polls every <see cref="DegradedPollInterval"/> rather
/// than spinning: every part still gets its turn, so reaping and deadlines go on.
/// </summary>
internal sealed unsafe class EventLoop : IDisposable
{
    /// <summary>Called with the epoll events (EPOLLIN, EPOLLOUT, EPOLLHUP, EPOLLERR) of a ready fd.</summary>
    public delegate void FdHandler(uint events);

    private const int MaxEvents = 16;

    /// <summary>After an unexpected epoll_wait error: how often the loop still turns.</summary>
    private static readonly TimeSpan DegradedPollInterval = TimeSpan.FromMilliseconds(100);

    private readonly int _epollFd;
    private readonly Dictionary<int, FdHandler> _handlers = [];
    private readonly List<ITurnWork> _work = [];
    private bool _degraded;

    private EventLoop(int epollFd) => _epollFd = epollFd;

    /// <returns>The loop, or null and the errno of epoll_create1.</returns>
    public static EventLoop? Create(out Errno error)
    {
        int fd = LibC.epoll_create1(Sys.EPOLL_CLOEXEC);
        error = fd < 0 ? Errors.Last() : 0;
        return fd < 0 ? null : new EventLoop(fd);
    }

    /// <summary>Adds a part that acts on deadlines or has bounded pending work; parts run in the order added.</summary>
    public void AddWork(ITurnWork work) => _work.Add(work);

    /// <summary>Watches fd for <paramref name="events"/> (EPOLLIN, EPOLLOUT, optionally EPOLLET).</summary>
    /// <returns>0, or the errno of epoll_ctl (EPERM for a regular file, which is always ready).</returns>
    public Errno Watch(int fd, uint events, FdHandler handler)
    {
        var registration = new epoll_event { events = (int)events, data = { u64 = (ulong)fd } };
        if (LibC.epoll_ctl(_epollFd, Sys.EPOLL_CTL_ADD, fd, &registration) < 0)
            return Errors.Last();
        _handlers[fd] = handler;
        return 0;
    }

    /// <summary>Changes what fd is watched for; 0 pauses it without forgetting its handler.</summary>
    public void Change(int fd, uint events)
    {
        var registration = new epoll_event { events = (int)events, data = { u64 = (ulong)fd } };
        if (LibC.epoll_ctl(_epollFd, Sys.EPOLL_CTL_MOD, fd, &registration) < 0)
            Log.Debug($"epoll_ctl(MOD {fd}): {Errors.Describe(Errors.Last())}");
    }

    /// <summary>Stops watching fd. Call before closing it.</summary>
    public void Unwatch(int fd)
    {
        if (!_handlers.Remove(fd))
            return;
        var registration = default(epoll_event);
        LibC.epoll_ctl(_epollFd, Sys.EPOLL_CTL_DEL, fd, &registration);
    }

    /// <summary>One turn: wait until something is ready or <paramref name="deadline"/> (or a part's deadline) comes, then handle it.</summary>
    public void RunOnce(long deadline = Deadline.None)
    {
        epoll_event* events = stackalloc epoll_event[MaxEvents];
        int ready = LibC.epoll_wait(_epollFd, events, MaxEvents, TimeoutFor(deadline));
        if (ready < 0)
        {
            Errno error = Errors.Last();
            if (error != Errno.EINTR && !_degraded)
            {
                _degraded = true;
                Log.Error($"epoll_wait: {Errors.Describe(error)}; polling every {DegradedPollInterval.TotalMilliseconds} ms from now on");
            }

            ready = 0;
        }

        for (int i = 0; i < ready; i++)
        {
            if (_handlers.TryGetValue((int)events[i].data.u64, out FdHandler? handler))
                Guard(handler, (uint)events[i].events);
        }

        long now = Deadline.Now;
        foreach (ITurnWork work in _work)
            Guard(static (w, n) => w.OnTurn(n), work, now);
    }

    private int TimeoutFor(long deadline)
    {
        long next = deadline;
        foreach (ITurnWork work in _work)
        {
            if (work.HasPendingWork)
                return 0;
            next = Math.Min(next, work.NextDeadline);
        }

        int timeout = Deadline.TimeoutMilliseconds(next);
        if (_degraded)
        {
            int cap = (int)DegradedPollInterval.TotalMilliseconds;
            timeout = timeout < 0 ? cap : Math.Min(timeout, cap);
        }

        return timeout;
    }

    private static void Guard(FdHandler handler, uint events) => Guard(static (h, e) => h(e), handler, events);

    /// <summary>Runs one piece of a turn; an exception is logged and the turn goes on.</summary>
    private static void Guard<TState, TArg>(Action<TState, TArg> action, TState state, TArg arg)
    {
        try
        {
            action(state, arg);
        }
        catch (Exception e)
        {
            Log.Error($"internal error, carrying on: {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}");
        }
    }

    public void Dispose() => LibC.close(_epollFd);
}
