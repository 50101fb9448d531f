using TinyInit.IntegrationTests.Harness;
using Xunit.Abstractions;

namespace TinyInit.IntegrationTests.Loop;

/// <summary>
/// Issue 10, "a stalled stdout or stderr freezes everything": a reader that stops reading
/// tinyinit's stdout or stderr may block whoever writes there, but never the loop. tinyinit still
/// reaps the main child, answers SIGTERM and exits with the child's code while the reader is
/// stalled; a non-blocking stdout loses nothing.
/// </summary>
public sealed class StalledOutputTests(ITestOutputHelper output)
{
    private const int WriteSyscall = 1;
    private const int Lines = 100_000;

    /// <summary>Counted from the act (stdin closed, SIGTERM sent) while the FIFO is still unread: a free loop needs a fraction of it.</summary>
    private static readonly TimeSpan StallDeadline = TimeSpan.FromSeconds(5);

    [Theory]
    [InlineData(InitMode.Pid1)]
    [InlineData(InitMode.Subreaper)]
    public void WithStdoutNeverReadTheMainChildsExitIsStillSeen(InitMode mode)
    {
        using var fifo = StalledFifo.Create();
        using var run = InitRun.StartWrapped(output, mode, fifo.Redirect(1), ["--tag-output", "--service", "flood=exec yes", "--", .. InitRun.Probe("exit-at-eof", "3")]);
        WaitUntilTheServiceIsBlocked(run, fifo);

        run.CloseStdin();
        Assert.Equal(3, run.WaitForExit(StallDeadline));
        Assert.True(fifo.IsFull, "the FIFO was read meanwhile: the test proves nothing");
    }

    [Theory]
    [InlineData(InitMode.Pid1)]
    [InlineData(InitMode.Subreaper)]
    public void WithStdoutNeverReadSigtermIsStillAnswered(InitMode mode)
    {
        using var fifo = StalledFifo.Create();
        using var run = InitRun.StartWrapped(output, mode, fifo.Redirect(1), ["--tag-output", "--service", "flood=exec yes", "--", .. InitRun.Probe("exit-at-eof", "3")]);
        WaitUntilTheServiceIsBlocked(run, fifo);

        run.Signal(Native.SIGTERM);
        Assert.Equal(128 + Native.SIGTERM, run.WaitForExit(StallDeadline));
        Assert.True(fifo.IsFull, "the FIFO was read meanwhile: the test proves nothing");
    }

    [Theory]
    [InlineData(InitMode.Pid1)]
    [InlineData(InitMode.Subreaper)]
    public void WithStderrNeverReadARestartLoopDoesNotStopTheMainChildsExit(InitMode mode)
    {
        // Every restart of the service logs a warning: a page of them fills the FIFO. Each run of
        // the service leaves a line in a file, so the test can see the restart loop go on.
        string runs = Path.Combine(Path.GetTempPath(), "tinyinit-runs-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var fifo = StalledFifo.Create();
            using var run = InitRun.StartWrapped(output, mode, fifo.Redirect(2),
                ["--service", $"a=echo run >> '{runs}'; exit 1", "--min-restart-delay", "10ms", "--max-restart-delay", "10ms", "--", .. InitRun.Probe("exit-at-eof", "3")]);
            run.WaitUntil(() => fifo.IsFull, "tinyinit's stderr (the FIFO) to fill with restart warnings");

            // Ten more runs, each with its warning, cannot all fit in what is left of the page: then
            // every warning finds stderr full. A loop that blocks on stderr never gets there, and
            // the exit below shows it.
            int before = RunsIn(runs);
            Poll.Until(() => RunsIn(runs) >= before + 10, StallDeadline);

            run.CloseStdin();
            Assert.Equal(3, run.WaitForExit(StallDeadline));
            Assert.True(fifo.IsFull, "the FIFO was read meanwhile: the test proves nothing");
        }
        finally
        {
            File.Delete(runs);
        }
    }

    [Theory]
    [InlineData(InitMode.Pid1)]
    [InlineData(InitMode.Subreaper)]
    public void ANonBlockingStdoutWithASlowReaderGetsEveryTaggedLineInOrder(InitMode mode)
    {
        // The reader does not read until the pipe is full, then reads everything (helpers/slowreader.py).
        string[] slowReader = [Paths.Python, Paths.Helper("slowreader.py"), "--"];
        using var run = InitRun.StartWrapped(output, mode, slowReader,
            ["--tag-output", "--service", $"lines=exec '{Paths.Probe}' lines {Lines}", "--", .. InitRun.Probe("exit-at-eof", "0")]);
        string last = $"[lines] {Lines}";
        Poll.Until(() => run.Lines.Contains(last));
        run.CloseStdin();
        Assert.Equal(0, run.WaitForExit());

        List<string> tagged = run.Lines.Where(l => l.StartsWith("[lines] ", StringComparison.Ordinal)).ToList();
        int inOrder = 0;
        while (inOrder < tagged.Count && tagged[inOrder] == $"[lines] {inOrder + 1}")
            inOrder++;
        Assert.True(tagged.Count == Lines && inOrder == Lines,
            $"{tagged.Count} of {Lines} tagged lines arrived; the first {inOrder} in order, then: {tagged.ElementAtOrDefault(inOrder)}");
    }

    private static int RunsIn(string file) => File.Exists(file) ? File.ReadAllLines(file).Length : 0;

    /// <summary>The FIFO is full and the service is blocked writing: the stall is in force.</summary>
    private static void WaitUntilTheServiceIsBlocked(InitRun run, StalledFifo fifo)
    {
        run.WaitUntil(() => fifo.IsFull, "tinyinit's stdout (the FIFO) to fill");
        run.WaitUntil(() => run.DescendantNamed("yes") is int service and not 0 && ProcTable.BlockedInSyscall(service) == WriteSyscall,
            "the service to be blocked in write(2)");
    }
}
