using System.Text;
using System.Text.Json;
using TinyInit.IntegrationTests.Harness;
using Xunit.Abstractions;

namespace TinyInit.IntegrationTests.Events;

/// <summary>--events: one JSON line per event; a reader that never reads cannot slow reaping, and the drops are counted.</summary>
public sealed class EventStreamTests(ITestOutputHelper output)
{
    private const int Orphans = 5000;

    /// <summary>A cap, not a timing: 10,000 sequential forks take seconds on a busy 2-core machine.</summary>
    private static readonly TimeSpan MakingOrphans = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(InitMode.Pid1)]
    [InlineData(InitMode.Subreaper)]
    public void AFileGetsAnExitLineForEveryOrphanAndTheMainChild(InitMode mode)
    {
        string file = TempPath("events");
        try
        {
            using var run = InitRun.Start(output, mode, ["--events", file, "--", .. InitRun.Probe("orphans", Orphans.ToString())]);
            run.WaitForLine($"orphaned {Orphans}", MakingOrphans);
            run.CloseStdin();
            Assert.Equal(0, run.WaitForExit());

            List<JsonElement> events = Parse(File.ReadAllText(file));
            Assert.Equal(Orphans, events.Count(e => Is(e, "exit") && e.GetProperty("role").GetString() == "orphan"));
            JsonElement main = Assert.Single(events, e => Is(e, "exit") && e.GetProperty("role").GetString() == "main");
            Assert.Equal(0, main.GetProperty("exit_code").GetInt32());
            Assert.Equal("tinyprobe", events.First(e => Is(e, "exit") && e.GetProperty("role").GetString() == "orphan").GetProperty("command").GetString());
            Assert.Equal("spawn", events[0].GetProperty("event").GetString());
            JsonElement shutdown = events[^1];
            Assert.True(Is(shutdown, "shutdown"));
            Assert.Equal(0, shutdown.GetProperty("dropped").GetInt64());
            Assert.Equal(0, shutdown.GetProperty("exit_code").GetInt32());
            AssertTimesIncrease(events);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData(InitMode.Pid1)]
    [InlineData(InitMode.Subreaper)]
    public void APipeThatIsNeverReadDoesNotStopReapingAndTheShutdownLineCountsTheDrops(InitMode mode)
    {
        string fifo = TempPath("fifo");
        Assert.Equal(0, Native.mkfifo(fifo, Convert.ToInt32("600", 8)));
        int reader = Native.open(fifo, Native.O_RDONLY | Native.O_NONBLOCK);
        Assert.True(reader >= 0);
        try
        {
            // fd 3 of tinyinit is the FIFO's write end; nothing reads it until tinyinit has exited.
            string[] wrapper = ["sh", "-c", $"exec \"$0\" \"$@\" 3>'{fifo}'"];
            using var run = InitRun.StartWrapped(output, mode, wrapper, ["-w", "--events", "fd:3", "--", .. InitRun.Probe("orphans", Orphans.ToString())]);
            run.WaitForLine($"orphaned {Orphans}", MakingOrphans);
            run.WaitUntil(() => run.Stderr.Split('\n').Count(l => l.Contains("WARN reaped zombie", StringComparison.Ordinal)) == Orphans, "every orphan reaped");
            run.CloseStdin();
            Assert.Equal(0, run.WaitForExit());

            List<JsonElement> events = Parse(Encoding.UTF8.GetString(Native.ReadAvailable(reader)));
            JsonElement shutdown = events[^1];
            Assert.True(Is(shutdown, "shutdown"), "the last line must be the shutdown line");
            long dropped = shutdown.GetProperty("dropped").GetInt64();
            Assert.True(dropped > 0, "a 64 KiB pipe cannot hold 5002 events");

            // Published: the spawn, 5000 orphan exits and the main exit. Each was written or counted.
            Assert.Equal(1 + Orphans + 1, events.Count - 1 + dropped);
            Assert.Contains($"{dropped} events dropped", run.Stderr);
            run.AssertNothingLeftRunning();
        }
        finally
        {
            Native.close(reader);
            File.Delete(fifo);
        }
    }

    [Fact]
    public void SignalsTimeoutsAndExitsAreReported()
    {
        string file = TempPath("events");
        try
        {
            using var run = InitRun.Start(output, InitMode.Subreaper,
                ["--events", file, "--rewrite", "USR2:0", "--timeout", "1s", "--kill-after", "100ms", "--", .. InitRun.Probe("signals")]);
            run.WaitForReady();
            run.Signal(Native.SIGUSR1);
            run.WaitForLine($"got {Native.SIGUSR1}");
            run.Signal(Native.SIGUSR2);
            Assert.Equal(124, run.WaitForExit());

            List<JsonElement> events = Parse(File.ReadAllText(file));
            Assert.Equal(["spawn", "signal", "signal", "timeout", "exit", "shutdown"], events.Select(e => e.GetProperty("event").GetString()));
            Assert.Equal("SIGUSR1", events[1].GetProperty("forwarded").GetString());
            Assert.Equal("SIGUSR2", events[2].GetProperty("signal").GetString());
            Assert.Equal("none", events[2].GetProperty("forwarded").GetString());
            Assert.Equal(1000, events[3].GetProperty("delay_ms").GetInt64());
            Assert.Equal(137, events[4].GetProperty("exit_code").GetInt32());
            Assert.Equal("SIGKILL", events[4].GetProperty("signal").GetString());
            Assert.Equal(124, events[5].GetProperty("exit_code").GetInt32());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void SignalsToTheMainChildGoOnlyThroughItsPidfd()
    {
        // A signal sent by pid can reach a process that reused the pid of one that has exited; one
        // sent through a pidfd cannot. tinyinit must never call kill() on a child's pid.
        string trace = TempPath("strace");
        try
        {
            string[] strace = ["strace", "-f", "-qq", "-e", "trace=kill,tkill,tgkill,rt_sigqueueinfo,pidfd_send_signal", "-o", trace];
            using var run = InitRun.StartWrapped(output, InitMode.Subreaper, strace, ["--", .. InitRun.Probe("signals")]);
            run.WaitForReady();
            int child = run.WaitForReady();
            foreach (int signal in new[] { Native.SIGUSR1, Native.SIGTERM, Native.SIGRTMIN + 4 })
            {
                Assert.Equal(0, Native.kill(ProcTable.TryRead(child)!.Value.ParentPid, signal));
                run.WaitForLine($"got {signal}");
            }

            run.CloseStdin();
            Assert.Equal(0, run.WaitForExit());
            string[] calls = File.ReadAllLines(trace);
            Assert.Equal(3, calls.Count(l => l.Contains("pidfd_send_signal(", StringComparison.Ordinal)));
            Assert.DoesNotContain(calls, l => l.Contains($"kill({child},", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(trace);
        }
    }

    internal static List<JsonElement> Parse(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();

    internal static bool Is(JsonElement e, string kind) => e.GetProperty("event").GetString() == kind;

    private static void AssertTimesIncrease(List<JsonElement> events)
    {
        long previous = 0;
        foreach (JsonElement e in events)
        {
            long time = e.GetProperty("time_ns").GetInt64();
            Assert.True(time >= previous, "time_ns must not go back");
            previous = time;
        }
    }

    private static string TempPath(string what) => Path.Combine(Path.GetTempPath(), $"tinyinit-{what}-{Guid.NewGuid():N}");
}
