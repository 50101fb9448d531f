using TinyInit.Diagnostics;
using TinyInit.Interop;

namespace TinyInit.Supervision;

/// <summary>
/// Overview: reaps every child that has exited, tracked or orphan, until none is left.
///
/// Each exit is seen before its pid is released: waitid(P_ALL, WNOWAIT) peeks at a zombie,
/// the exit is handed to <see cref="IExitSink"/>, and only then is that pid reaped. Until
/// then the zombie holds its pid, so nobody acting on the event can hit a recycled pid
/// (the approach of Rust's shared_child). Nothing else in the process reaps: System.Diagnostics.Process
/// is never used, so the runtime's SIGCHLD handling never calls waitpid behind our back.
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
            if (Libc.waitid(Libc.P_ALL, 0, out Libc.siginfo_t info, Libc.WEXITED | Libc.WNOHANG | Libc.WNOWAIT) < 0)
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

            _sink.OnExit(pid, ExitStatus.FromSiginfo(info));
            while (Libc.waitid(Libc.P_PID, pid, out _, Libc.WEXITED | Libc.WNOHANG) < 0 && Errors.Last() == Errno.EINTR)
            {
            }

            reaped++;
        }
    }
}
