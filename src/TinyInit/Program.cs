using System;
using TinyInit.Cli;
using TinyInit.Ctl;
using TinyInit.Diagnostics;
using TinyInit.Interop;
using TinyInit.Supervision;

namespace TinyInit;

/// <summary>tinyinit: parse the command line, then run the init loop; or, as 'tinyinit ctl', the control client.</summary>
internal static class Program
{
    private static int Main()
    {
        Sys.tinyinit_main_started();
        Sys.tinyinit_guard_crash_signals();
        try
        {
            Sys.tinyinit_get_startup(out Sys.tinyinit_startup startup);
            string[] args = CommandLine.Arguments(startup);

            // The client shares the binary, not the machinery: nothing of the init is set up for it.
            // A main command called ctl is run as 'tinyinit -- ctl'.
            if (args.Length > 0 && args[0] == "ctl")
            {
                CtlProgram.TakeBackSignals(startup);
                CtlCommandLine.Outcome request = CtlCommandLine.Parse(args);
                return request.Request is CtlRequest r ? CtlProgram.Run(r) : request.ExitCode;
            }

            CommandLine.Outcome outcome = CommandLine.Parse(args, startup.handled);
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
