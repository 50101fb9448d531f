using System;
using TinyInit.Cli;
using TinyInit.Diagnostics;
using TinyInit.Interop;
using TinyInit.Supervision;

namespace TinyInit;

/// <summary>tinyinit: parse the command line, then run the init loop.</summary>
internal static class Program
{
    private static int Main()
    {
        Libc.tinyinit_main_started();
        Libc.tinyinit_guard_crash_signals();
        try
        {
            Libc.tinyinit_get_startup(out Libc.tinyinit_startup startup);
            CommandLine.Outcome outcome = CommandLine.Parse(CommandLine.Arguments(startup), startup.handled);
            if (outcome.Settings is not Settings settings)
                return outcome.ExitCode;

            Log.Threshold = settings.LogThreshold;
            using var init = new Init(settings, startup);
            return init.Run();
        }
        catch (Exception e)
        {
            // Never a stack trace: one line, and the setup-error code.
            Log.Error($"internal error: {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}");
            return (int)ExitCodes.UsageOrSetupError;
        }
    }
}
