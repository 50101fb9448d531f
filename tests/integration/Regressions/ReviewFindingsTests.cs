using TinyInit.IntegrationTests.Harness;
using Xunit.Abstractions;

namespace TinyInit.IntegrationTests.Regressions;

/// <summary>Failures found in review, each once reproduced against the binary.</summary>
public sealed class ReviewFindingsTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(InitMode.Pid1)]
    [InlineData(InitMode.Subreaper)]
    public void StartedWithSigchldIgnoredItStillSeesTheMainChildExit(InitMode mode)
    {
        // With SIGCHLD ignored the kernel reaps children itself, and waitid would never see the exit.
        string[] wrapper = InitRun.Probe("with-state", "0", "10000", "--");
        using var run = InitRun.StartWrapped(output, mode, wrapper, "--", "sh", "-c", "exit 3");
        Assert.Equal(3, run.WaitForExit());
    }

    [Fact]
    public void AServiceThatWritesWithoutPauseDoesNotStallTheLoop()
    {
        // tinyinit's stdout goes to /dev/null so that the test does not hold the flood in memory.
        string[] quiet = ["sh", "-c", "exec \"$0\" \"$@\" >/dev/null"];
        using var run = InitRun.StartWrapped(output, InitMode.Subreaper, quiet,
            "--tag-output", "--kill-timeout", "1s", "--service", "flood=exec yes", "--", "sh", "-c", "sleep 0.3; exit 4");
        Assert.Equal(4, run.WaitForExit());
        run.AssertNothingLeftRunning();
    }

    [Fact]
    public void LeftOverDeadlinesDoNotMakeTheLoopSpinDuringTheGrace()
    {
        // After --timeout fired, its deadline used to stay armed: epoll_wait(0) in a loop for the
        // whole grace period. Count the loop's waits instead of measuring CPU time.
        string trace = Path.Combine(Path.GetTempPath(), "tinyinit-spin-" + Guid.NewGuid().ToString("N"));
        try
        {
            string[] strace = ["strace", "-qq", "-e", "trace=epoll_wait", "-o", trace];
            using var run = InitRun.StartWrapped(output, InitMode.Subreaper, strace,
                "--timeout", "200ms", "--grace", "1s", "--", "sh", "-c", "\"$0\" spawn-leftover ignore-term; exec sleep 1000", Paths.Probe);
            Assert.Equal(124, run.WaitForExit());
            int waits = File.ReadAllLines(trace).Count(l => l.StartsWith("epoll_wait(", StringComparison.Ordinal));
            Assert.True(waits < 100, $"{waits} epoll_wait calls: the loop spun");
        }
        finally
        {
            File.Delete(trace);
        }
    }

    [Theory]
    [InlineData(new[] { "-p", "SEGV", "--", "true" }, "-p SIGSEGV: tinyinit cannot act on that signal")]
    [InlineData(new[] { "-p", "34", "--", "true" }, "-p SIGRTMIN: tinyinit cannot act on that signal")]
    [InlineData(new[] { "--rewrite", "KILL:TERM", "--", "true" }, "--rewrite SIGKILL: tinyinit never receives that signal")]
    [InlineData(new[] { "--restart-signal", "STOP", "--service", "a=true" }, "--restart-signal SIGSTOP")]
    [InlineData(new[] { "--min-restart-delay", "0", "--service", "a=true" }, "--min-restart-delay must be longer than 0")]
    [InlineData(new[] { "--events", "fd:0", "--", "true" }, "expected fd:N with N of 3 or more")]
    [InlineData(new[] { "--events", "fd:9", "--", "true" }, "--events 'fd:9': Bad file descriptor")]
    public void SettingsTinyinitCannotHonourAreUsageErrors(string[] args, string expected)
    {
        using var run = InitRun.Start(output, InitMode.Subreaper, args);
        Assert.Equal(125, run.WaitForExit());
        string[] lines = run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Contains(expected, lines[0]);
    }

    [Fact]
    public void AnEventFdOpenOnlyForReadingIsAUsageError()
    {
        string[] readOnly = ["sh", "-c", "exec \"$0\" \"$@\" 3</dev/null"];
        using var run = InitRun.StartWrapped(output, InitMode.Subreaper, readOnly, "--events", "fd:3", "--", "true");
        Assert.Equal(125, run.WaitForExit());
        Assert.Contains("--events 'fd:3': not open for writing", run.Stderr);
    }

    [Fact]
    public void RemapAppliesToTheTimeoutCodeToo()
    {
        using var run = InitRun.Start(output, InitMode.Subreaper, "-e", "124", "--timeout", "100ms", "--", "sleep", "1000");
        Assert.Equal(0, run.WaitForExit());
    }
}
