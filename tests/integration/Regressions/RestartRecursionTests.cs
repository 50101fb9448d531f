using TinyInit.IntegrationTests.Harness;
using Xunit.Abstractions;

namespace TinyInit.IntegrationTests.Regressions;

/// <summary>
/// Issue 9, "restart recursion": a service that cannot even be spawned, with a restart threshold of
/// 0, was started again from inside its own failure, about 17,000 times, until the stack overflowed
/// and tinyinit died of SIGSEGV (139), orphaning the main child. A restart is never a recursive call,
/// and a spawn failure waits out the backoff.
/// </summary>
public sealed class RestartRecursionTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(InitMode.Pid1)]
    [InlineData(InitMode.Subreaper)]
    public void AServiceThatCannotBeSpawnedIsRetriedAfterABackoffAndTheMainChildsCodeComesThrough(InitMode mode)
    {
        // In tinyinit's mount namespace /bin/sh is /dev/null, which cannot be executed (EACCES), as
        // in an image without a shell: every spawn of a service fails.
        string[] noShell = ["unshare", "--mount", "sh", "-c", "mount --bind /dev/null /bin/sh && exec \"$0\" \"$@\""];
        using var run = InitRun.StartWrapped(output, mode, noShell,
            ["--restart-threshold", "0", "--service", "a=true", "--", .. InitRun.Probe("exit-at-eof", "3")]);
        run.WaitUntil(() => run.Stderr.Contains("Permission denied"), "the service's spawn failure to be logged");

        run.CloseStdin();
        bool exited = Poll.Until(() => run.HasExited);
        int code = exited ? run.WaitForExit() : -1;

        // The backoff starts at --min-restart-delay (1 s): the run is over within a step or two.
        int lines = run.Stderr.Split('\n').Count(l => l.Contains("'a'", StringComparison.Ordinal));
        Assert.True(code == 3 && lines <= 6,
            $"tinyinit {(exited ? $"exited with {code}" : "did not exit")}, expected 3; {lines} lines about service 'a' on stderr, where a spawn failure must be logged once per backoff step");
        run.AssertNothingLeftRunning();
    }
}
