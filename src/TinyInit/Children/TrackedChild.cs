using System;
using TinyInit.Diagnostics;
using TinyInit.Interop;
using TinyInit.Reaping;
using Tmds.Linux;

namespace TinyInit.Children;

/// <summary>
/// A child tinyinit started and follows, held by a pidfd from the moment it is spawned. The pidfd
/// is opened before the child can be reaped (only tinyinit reaps it), so it always refers to this
/// process: a signal sent through it can never reach a recycled pid (pidfd_send_signal(2)).
/// </summary>
internal sealed class TrackedChild : IDisposable
{
    /// <summary>Cleared once the kernel has said EINVAL to PIDFD_SIGNAL_PROCESS_GROUP (before Linux 6.9).</summary>
    private static bool s_groupFlagWorks = true;

    private int _pidfd;

    public TrackedChild(int pid, string name)
    {
        Pid = pid;
        Name = name;
        _pidfd = Sys.pidfd_open(pid);
        if (_pidfd < 0)
            Log.Debug($"pidfd_open({pid}): {Errors.Describe(Errors.Last())}; signalling by pid, which is safe until it is reaped");
    }

    public int Pid { get; }

    /// <summary>The command or service name, for logs and events.</summary>
    public string Name { get; }

    /// <summary>Set once the child has exited and been reaped; no signal is sent to it after that.</summary>
    public ExitStatus? Exit { get; private set; }

    /// <summary>Records the exit and closes the pidfd.</summary>
    public void MarkExited(ExitStatus status)
    {
        Exit = status;
        Dispose();
    }

    /// <summary>
    /// Sends sig to the child, or to the process group it leads. Through the pidfd while the child
    /// lives; a group whose leader has been reaped is signalled with kill(-pgid), as is the group on
    /// kernels before 6.9: the group id stays taken while any member lives (setpgid(2)).
    /// </summary>
    /// <returns>0, or the errno (ESRCH when it has already exited).</returns>
    public int Signal(int sig, bool wholeGroup)
    {
        if (wholeGroup && (Exit is not null || _pidfd < 0 || !s_groupFlagWorks))
            return LibC.kill(-Pid, sig) == 0 ? 0 : (int)Errors.Last();
        if (Exit is not null)
            return (int)Errno.ESRCH;
        if (_pidfd < 0)
            return LibC.kill(Pid, sig) == 0 ? 0 : (int)Errors.Last();

        if (Sys.pidfd_send_signal(_pidfd, sig, wholeGroup ? Sys.PIDFD_SIGNAL_PROCESS_GROUP : 0) == 0)
            return 0;
        Errno error = Errors.Last();
        if (wholeGroup && error == Errno.EINVAL)
        {
            s_groupFlagWorks = false;
            return Signal(sig, wholeGroup);
        }

        return (int)error;
    }

    public void Dispose()
    {
        if (_pidfd >= 0)
        {
            LibC.close(_pidfd);
            _pidfd = -1;
        }
    }
}
