using TinyInit.Diagnostics;
using TinyInit.Reaping;

namespace TinyInit.Supervision;

/// <summary>What tinyinit exits with: the code of whatever ended the run, then -e's remapping.</summary>
internal sealed partial class Init
{
    /// <summary>The code of whatever ended the run, before -e remapping.</summary>
    private int RunExitCode()
    {
        if (_services?.EssentialExit is ExitStatus essential)
            return essential.ToExitCode();
        if (_heldMainSpawnError is int spawnError)
            return spawnError;

        // Stopped before the main command could start (--after main=…): as if the signal had killed it.
        if (_main is { Child: null } && _stopRequested)
            return (int)ExitCodes.SignalOffset + _stopSignal;
        return _main?.ExitCode ?? 0;
    }

    private int FinalExitCode(int code)
    {
        if (_settings.RemappedExitCodes.Contains(code))
        {
            Log.Debug($"exit code {code} remapped to 0");
            return 0;
        }

        return code;
    }
}
