using TinyInit.Interop;

namespace TinyInit.Reaping;

/// <summary>How a process ended: an exit code, or the signal that killed it.</summary>
/// <param name="Code">The exit code when it exited, else 0.</param>
/// <param name="Signal">The signal that killed it, else 0.</param>
/// <param name="CoreDumped">Whether it dumped core.</param>
internal readonly record struct ExitStatus(int Code, int Signal, bool CoreDumped)
{
    /// <summary>Reads the status that waitid(2) put in siginfo_t.</summary>
    public static ExitStatus FromSiginfo(in Sys.siginfo_t info) => info.si_code switch
    {
        Sys.CLD_EXITED => new ExitStatus(info.si_status, 0, false),
        Sys.CLD_DUMPED => new ExitStatus(0, info.si_status, true),
        _ => new ExitStatus(0, info.si_status, false),
    };

    /// <summary>For logs: "exited with 3", "was killed by SIGSEGV (core dumped)".</summary>
    public string Describe() => Signal != 0
        ? $"was killed by {Text.SignalNames.Name(Signal)}{(CoreDumped ? " (core dumped)" : "")}"
        : $"exited with {Code}";

    /// <summary>The shell's convention: the exit code, or 128+N when signal N killed it.</summary>
    public int ToExitCode() => Signal != 0 ? (int)ExitCodes.SignalOffset + Signal : Code;
}
