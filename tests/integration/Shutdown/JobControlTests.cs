using TinyInit.IntegrationTests.Harness;
using Xunit.Abstractions;

namespace TinyInit.IntegrationTests.Shutdown;

/// <summary>
/// SIGTSTP, SIGTTIN and SIGTTOU stop the child, not tinyinit, and SIGCONT resumes it
/// (catatonit leaves them blocked in the child); -p gives tinyinit a signal when its parent dies.
/// </summary>
public sealed class JobControlTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(InitMode.Pid1)]
    [InlineData(InitMode.Subreaper)]
    public void StopSignalsStopTheChildAndContinueResumesIt(InitMode mode)
    {
        // tinyinit shares its group with the child here (it leads no session). The group is its
        // own, as a job-control shell gives each job one, so it is not orphaned even when the suite
        // runs detached (setsid): the kernel would discard the stop signals then, whatever tinyinit did.
        using var run = InitRun.StartWrapped(output, mode, InitRun.Probe("own-group"), ["--", "sh", "-c", "echo ready; exec sleep 1000"]);
        run.WaitForLine("ready");
        int child = 0;
        run.WaitUntil(() => (child = ProcTable.Snapshot().FirstOrDefault(e => e.ParentPid == run.InitPid && e.Comm == "sleep").Pid) != 0, "the child to exec sleep");

        foreach (int stop in new[] { Native.SIGTSTP, Native.SIGTTIN, Native.SIGTTOU })
        {
            run.Signal(stop);
            run.WaitUntil(() => ProcTable.TryRead(child)?.State == 'T', $"the child to stop on {stop}");
            Assert.NotEqual('T', ProcTable.TryRead(run.InitPid)?.State);
            run.Signal(Native.SIGCONT);
            run.WaitUntil(() => ProcTable.TryRead(child)?.State is 'S' or 'R', "the child to continue");
        }

        string blocked = ProcTable.StatusField($"/proc/{child}/status", "SigBlk")!;
        Assert.Equal("0000000000000000", blocked);
        run.Signal(Native.SIGTERM);
        Assert.Equal(128 + Native.SIGTERM, run.WaitForExit());
    }

    [Fact]
    public void ParentDeathSignalShutsTinyinitDownAsIfItHadBeenSent()
    {
        string done = Path.Combine(Path.GetTempPath(), "tinyinit-pdeathsig-" + Guid.NewGuid().ToString("N"));
        string[] parent = ["sh", "-c", "\"$0\" \"$@\" & echo parent $$; wait"];
        using var run = InitRun.StartWrapped(output, InitMode.Subreaper, parent, ["-p", "SIGTERM", "--", .. InitRun.Probe("trap-term", "0", done)]);
        run.WaitForReady();
        int init = 0;
        run.WaitUntil(() => (init = ProcTable.Descendants(run.OuterPid).FirstOrDefault(e => e.Comm == "tinyinit").Pid) != 0, "tinyinit under its parent");

        Assert.Equal(0, Native.kill(run.OuterPid, Native.SIGKILL));
        run.WaitUntil(() => File.Exists(done), "the child to get SIGTERM and write its file");
        run.WaitUntil(() => ProcTable.TryRead(init) is null or { State: 'Z' }, "tinyinit to exit");
        run.AssertNothingLeftRunning();
        File.Delete(done);
    }
}
