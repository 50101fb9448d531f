using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace TinyInit.Events;

/// <summary>
/// Overview: the waiters of tracked children (the main child above all), kept apart from the
/// bounded <see cref="EventFanout{T}"/>. A fan-out may drop events by design; the exit tinyinit's
/// own exit code depends on must not be one of them, however many orphans exit around it.
/// A waiter is a task completed from a dictionary keyed by pid, so the reaper pays one O(1)
/// lookup per exit and never waits for anyone.
///
/// Race-freedom: a pid exists only once spawn has returned, so a waiter cannot be registered
/// before the spawn. It does not need to be: call <see cref="Register"/> on the reaper's own
/// thread right after spawn returns, and the reaper cannot run between the two; the child's
/// exit, however early, is reaped only at the loop's next turn and finds its waiter. Called from
/// the reaper's exit sink, <see cref="TryComplete"/> runs while the zombie still holds its pid
/// (the reaper peeks with waitid(WNOWAIT) and releases the pid afterwards), so no new process
/// can have taken that pid yet. Registering from another thread is thread-safe, but race-free
/// only while that pid cannot be reaped yet.
///
/// Unlike containerd's Wait, no caller can take an exit from another: every caller that
/// registers the same pid gets the same task, and the exit completes it once for all of them.
/// </summary>
internal sealed class ExitWaiters
{
    private readonly Lock _gate = new();
    private readonly Dictionary<int, TaskCompletionSource<ExitEvent>> _waiting = [];

    /// <summary>How many pids have a waiter that their exit has not completed yet.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
                return _waiting.Count;
        }
    }

    /// <summary>
    /// Waits for the exit of <paramref name="pid"/>. Register on the reaper's thread right after
    /// the spawn returns (see the overview). A second registration of the same pid shares the
    /// first one's task.
    /// </summary>
    /// <returns>
    /// A task completed with the exit, its continuations run asynchronously so that they never
    /// run on the reaper's thread; or canceled by <see cref="Cancel"/>.
    /// </returns>
    public Task<ExitEvent> Register(int pid)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(pid, 0);
        lock (_gate)
        {
            if (!_waiting.TryGetValue(pid, out TaskCompletionSource<ExitEvent>? waiter))
            {
                waiter = new TaskCompletionSource<ExitEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiting.Add(pid, waiter);
            }

            return waiter.Task;
        }
    }

    /// <summary>
    /// Called by the reaper for every exit, before the pid is released: completes the waiter of
    /// that pid, if there is one, and forgets it, so that a later process reusing the pid is not
    /// mistaken for it.
    /// </summary>
    /// <returns>Whether a waiter was completed; false for a pid nobody registered.</returns>
    public bool TryComplete(in ExitEvent exit)
    {
        TaskCompletionSource<ExitEvent>? waiter;
        lock (_gate)
        {
            if (!_waiting.Remove(exit.Pid, out waiter))
                return false;
        }

        // Outside the lock: with RunContinuationsAsynchronously this only queues the continuations.
        return waiter.TrySetResult(exit);
    }

    /// <summary>
    /// Gives up waiting for <paramref name="pid"/> (the caller stopped tracking it, or is shutting
    /// down): its task is canceled. Does nothing if the pid has no waiter.
    /// </summary>
    public void Cancel(int pid)
    {
        TaskCompletionSource<ExitEvent>? waiter;
        lock (_gate)
        {
            if (!_waiting.Remove(pid, out waiter))
                return;
        }

        waiter.TrySetCanceled();
    }
}
