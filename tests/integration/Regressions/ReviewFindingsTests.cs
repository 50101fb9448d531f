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
    [InlineData(new[] { "--events", "fd:9", "--", "true" }, "--events 'fd:9': fd 9 was not open when tinyinit started")]
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

    [Fact]
    public void EventsReachASmallPipeWhoseReaderKeepsUp()
    {
        // A 4 KiB pipe (what an unprivileged user over pipe-user-pages-soft gets) read by the test
        // as it goes: events held back for room must go out when the reader reads, not only when
        // another event comes.
        string[] smallPipe = ["python3", "-c",
            "import fcntl, os, sys; fcntl.fcntl(1, 1031, 4096); os.dup2(1, 3); os.execvp(sys.argv[1], sys.argv[1:])"];
        using var run = InitRun.StartWrapped(output, InitMode.Subreaper, smallPipe, ["--events", "fd:3", "--", .. InitRun.Probe("orphans", "60")]);
        run.WaitUntil(() => run.Lines.Count(l => l.Contains("\"role\":\"orphan\"", StringComparison.Ordinal)) == 60, "60 orphan exit events");
        run.CloseStdin();
        Assert.Equal(0, run.WaitForExit());
        Assert.Contains(run.Lines, l => l.Contains("\"event\":\"shutdown\"", StringComparison.Ordinal));
    }

    [Fact]
    public void AFifoPassedReadWriteKeepsItsReader()
    {
        string fifo = Path.Combine(Path.GetTempPath(), "tinyinit-rwfifo-" + Guid.NewGuid().ToString("N"));
        Assert.Equal(0, Native.mkfifo(fifo, Convert.ToInt32("600", 8)));
        int reader = Native.open(fifo, Native.O_RDONLY | Native.O_NONBLOCK);
        try
        {
            string[] readWrite = ["sh", "-c", $"exec \"$0\" \"$@\" 3<>'{fifo}'"];
            using var run = InitRun.StartWrapped(output, InitMode.Subreaper, readWrite, "--events", "fd:3", "--", "sh", "-c", "exit 5");
            Assert.Equal(5, run.WaitForExit());
            string events = System.Text.Encoding.UTF8.GetString(Native.ReadAvailable(reader));
            Assert.Contains("\"event\":\"shutdown\",", events);
            Assert.Contains("\"exit_code\":5,\"dropped\":0", events);
            Assert.DoesNotContain("write failed", run.Stderr);
        }
        finally
        {
            Native.close(reader);
            File.Delete(fifo);
        }
    }

    [Fact]
    public void TaggedOutputAServiceWritesWhileStoppingIsAllWritten()
    {
        using var run = InitRun.Start(output, InitMode.Subreaper, "--tag-output",
            "--service", "burst=trap 'seq 1 10000; exit 0' TERM; echo up; while :; do sleep 0.05; done",
            "--", "sh", "-c", "read line || true");
        run.WaitForLine("[burst] up");
        run.CloseStdin();
        Assert.Equal(0, run.WaitForExit());
        Assert.Equal(10000, run.Lines.Count(l => l.StartsWith("[burst] ", StringComparison.Ordinal) && l != "[burst] up"));
        Assert.Equal("[burst] 10000", run.Lines.Last(l => l.StartsWith("[burst] ", StringComparison.Ordinal)));
    }

    [Fact]
    public void ParentDeathSignalKillIsAcceptedAsTiniAcceptsIt()
    {
        using var run = InitRun.Start(output, InitMode.Subreaper, "-p", "SIGKILL", "--", "sh", "-c", "exit 6");
        Assert.Equal(6, run.WaitForExit());
    }
}
