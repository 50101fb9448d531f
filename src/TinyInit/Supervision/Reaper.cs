using TinyInit.Diagnostics;
using TinyInit.Interop;

namespace TinyInit.Supervision;

/// <summary>
/// Overview: reaps every child that has exited, tracked or orphan, until none is left.
///
/// Each exit is seen before its pid is released: waitid(P_ALL, WNOWAIT) peeks at a zombie,
/// the exit is handed to <see cref="IExitSink"/>, and only then is that pid reaped. Until
/// then the zombie holds its pid, so nobody acting on the event can hit a recycled pid
/// (the approach of Rust's shared_child). Nothing else in the process reaps: the runtime's Process class
/// is never used, so the runtime's SIGCHLD handling never calls waitpid behind our back.
///
/// The peek costs a second waitid per zombie, and only an observer outside the loop could act
/// on a pid in that gap: tinyinit itself signals children only through pidfds. So when nobody
/// subscribes to events (<see cref="IExitSink.ObserversPresent"/>), each zombie is reaped by one
/// waitid that returns its status, as tini's waitpid(-1) loop does, and the sink gets the
/// same exit through the same path, just after the pid is released.
/// </summary>
internal sealed class Reaper
{
    private readonly IExitSink _sink;

    public Reaper(IExitSink sink) => _sink = sink;

    /// <summary>False once waitid has said ECHILD: tinyinit has no child left at all.</summary>
    public bool HasChildren { get; private set; } = true;

    /// <summary>Reaps every child that has exited by now.</summary>
    /// <returns>How many were reaped.</returns>
    public int ReapAll()
    {
        int reaped = 0;
        while (true)
        {
            bool peek = _sink.ObserversPresent;
            int options = Libc.WEXITED | Libc.WNOHANG | (peek ? Libc.WNOWAIT : 0);
            if (Libc.waitid(Libc.P_ALL, 0, out Libc.siginfo_t info, options) < 0)
            {
                Errno error = Errors.Last();
                if (error == Errno.EINTR)
                    continue;
                if (error == Errno.ECHILD)
                    HasChildren = false;
                else
                    Log.Error($"waitid: {Errors.Describe(error)}");
                return reaped;
            }

            HasChildren = true;
            int pid = info.si_pid;
            if (pid == 0)
                return reaped;

            try
            {
                _sink.OnExit(pid, ExitStatus.FromSiginfo(info));
            }
            finally
            {
                // Reaped whatever the sink did: a zombie left behind would come back from every
                // later peek and stop reaping for good.
                while (peek && Libc.waitid(Libc.P_PID, pid, out _, Libc.WEXITED | Libc.WNOHANG) < 0 && Errors.Last() == Errno.EINTR)
                {
                }
            }

            reaped++;
        }
    }
}
