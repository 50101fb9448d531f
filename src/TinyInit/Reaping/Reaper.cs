using TinyInit.Diagnostics;
using TinyInit.Interop;

namespace TinyInit.Reaping;

/// <summary>
/// Overview: finds the children that have exited, tracked or orphan, one at a time, and hands
/// each exit back to the caller; it calls nobody (docs/design.md, "Reaping").
///
/// An exit can be seen before its pid is released: with <c>hold</c>, waitid(P_ALL, WNOWAIT) peeks
/// at a zombie and the pid stays taken until <see cref="Release"/>, so whoever acts on the exit
/// meanwhile cannot hit a recycled pid (the approach of Rust's shared_child). The peek costs a
/// second waitid, so without observers each zombie is reaped by the one waitid that returns its
/// status, as tini's waitpid(-1) loop does. Nothing else in the process reaps: the runtime's
/// Process class is never used, so the runtime's SIGCHLD handling never calls waitpid behind
/// our back.
/// </summary>
internal sealed class Reaper
{
    /// <summary>False once waitid has said ECHILD: tinyinit has no child left at all.</summary>
    public bool HasChildren { get; private set; } = true;

    /// <summary>The next child that has exited, if any; with <paramref name="hold"/> its pid stays taken until <see cref="Release"/>.</summary>
    public bool TryNext(bool hold, out int pid, out ExitStatus status)
    {
        int options = Sys.WEXITED | Sys.WNOHANG | (hold ? Sys.WNOWAIT : 0);
        Sys.siginfo_t info;
        while (Sys.waitid(Sys.P_ALL, 0, out info, options) < 0)
        {
            Errno error = Errors.Last();
            if (error == Errno.EINTR)
                continue;
            if (error == Errno.ECHILD)
                HasChildren = false;
            else
                Log.Error($"waitid: {Errors.Describe(error)}");
            pid = 0;
            status = default;
            return false;
        }

        HasChildren = true;
        pid = info.si_pid;
        status = ExitStatus.FromSiginfo(info);
        return pid != 0;
    }

    /// <summary>Reaps a zombie that <see cref="TryNext"/> held. Always call it, whatever went wrong in between: a zombie left behind would come back from every later peek.</summary>
    public static void Release(int pid)
    {
        while (Sys.waitid(Sys.P_PID, pid, out _, Sys.WEXITED | Sys.WNOHANG) < 0 && Errors.Last() == Errno.EINTR)
        {
        }
    }
}
