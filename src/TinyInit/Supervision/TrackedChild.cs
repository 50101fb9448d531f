using System;
using TinyInit.Interop;

namespace TinyInit.Supervision;

/// <summary>
/// A child tinyinit started and follows, held by a pidfd from the moment it is spawned.
/// The pidfd is opened before the child can be reaped (only tinyinit reaps it), so it always
/// refers to this process: a signal sent through it can never reach a recycled pid.
/// </summary>
internal sealed class TrackedChild : IDisposable
{
    private int _pidfd;

    public TrackedChild(int pid, string name)
    {
        Pid = pid;
        Name = name;
        _pidfd = Libc.pidfd_open(pid);
        if (_pidfd < 0)
            Diagnostics.Log.Debug($"pidfd_open({pid}): {Errors.Describe(Errors.Last())}; signalling by pid, which is safe until it is reaped");
    }

    public int Pid { get; }

    /// <summary>The command name, for logs and events.</summary>
    public string Name { get; }

    /// <summary>Set once the child has exited and been reaped; no signal is sent to it after that.</summary>
    public ExitStatus? Exit { get; private set; }

    /// <summary>Records the exit and closes the pidfd.</summary>
    public void MarkExited(ExitStatus status)
    {
        Exit = status;
        Dispose();
    }

    /// <summary>Sends sig to the child, or to its whole process group.</summary>
    /// <returns>0, or the errno (ESRCH when it has already exited).</returns>
    public int Signal(int sig, bool wholeGroup)
    {
        int rc;
        if (wholeGroup)
            rc = Libc.kill(-Pid, sig);
        else if (Exit is not null)
            return (int)Errno.ESRCH;
        else if (_pidfd >= 0)
            rc = Libc.pidfd_send_signal(_pidfd, sig);
        else
            rc = Libc.kill(Pid, sig);
        return rc == 0 ? 0 : (int)Errors.Last();
    }

    public void Dispose()
    {
        if (_pidfd >= 0)
        {
            Libc.close(_pidfd);
            _pidfd = -1;
        }
    }
}
