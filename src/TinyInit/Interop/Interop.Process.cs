using System.Runtime.InteropServices;

namespace TinyInit.Interop;

internal static unsafe partial class Sys
{
    public const int WNOHANG = 1;
    public const int WEXITED = 4;
    public const int WNOWAIT = 0x01000000;
    public const int P_ALL = 0;
    public const int P_PID = 1;

    public const int CLD_EXITED = 1, CLD_KILLED = 2, CLD_DUMPED = 3;

    public const int PR_SET_PDEATHSIG = 1;
    public const int PR_SET_CHILD_SUBREAPER = 36;

    /// <summary>
    /// The part of <c>siginfo_t</c> that waitid(2) fills for SIGCHLD (x86-64 layout). Not Tmds.LibC's:
    /// its siginfo_t puts si_code at offset 4 and si_errno at 8 (the MIPS order), x86-64 has them the other way round.
    /// </summary>
    [StructLayout(LayoutKind.Explicit, Size = 128)]
    internal struct siginfo_t
    {
        [FieldOffset(0)] public int si_signo;
        [FieldOffset(4)] public int si_errno;
        [FieldOffset(8)] public int si_code;
        [FieldOffset(16)] public int si_pid;
        [FieldOffset(20)] public int si_uid;
        [FieldOffset(24)] public int si_status;
    }

    /// <summary>Not Tmds.LibC's: it declares none of waitid, waitpid, wait4.</summary>
    /// <returns>0 (si_pid is 0 when WNOHANG found nothing), or -1 and errno.</returns>
    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static partial int waitid(int idtype, int id, out siginfo_t infop, int options);

    /// <summary>prctl(2) with one argument; the unused ones are passed as 0. Not Tmds.LibC's: it lacks prctl.</summary>
    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static partial int prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);
}
