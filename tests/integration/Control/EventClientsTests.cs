using System.Text.Json;
using TinyInit.IntegrationTests.Harness;
using Xunit.Abstractions;

namespace TinyInit.IntegrationTests.Control;

/// <summary>
/// 'tinyinit ctl events' clients are live subscribers of the fan-out: many at once, some stopped,
/// while thousands of orphans are reaped. Those that read get every exit in reap order; those that
/// stop lose events, and are told exactly how many and where; tinyinit's memory stays bounded.
/// </summary>
public sealed class EventClientsTests(ITestOutputHelper output)
{
    private const int Orphans = 5000;
    private const int Clients = 50;
    private const int Stopped = 10;

    /// <summary>A cap, not a timing: 10,000 sequential forks take seconds on a busy 2-core machine.</summary>
    private static readonly TimeSpan MakingOrphans = TimeSpan.FromSeconds(60);

    /// <summary>What tinyinit's RSS may grow by while the orphans are reaped: the rings are allocated before.</summary>
    private const long RssGrowthLimitKiB = 16 * 1024;

    [Theory]
    [InlineData(InitMode.Pid1)]
    [InlineData(InitMode.Subreaper)]
    public void FiftyClientsFollowTheExitsOfFiveThousandOrphansAndTheStoppedOnesAreToldExactlyWhatTheyLost(InitMode mode)
    {
        string socket = CtlClient.TempSocket();
        using var run = InitRun.Start(output, mode, ["--control", socket, "--", "sh", "-c", $"echo waiting; read go; exec '{Paths.Probe}' orphans {Orphans}"]);
        run.WaitForLine("waiting");
        var clients = new List<CtlClient>();
        try
        {
            for (int i = 0; i < Clients; i++)
                clients.Add(CtlClient.Start(socket, "--json", "events"));
            string marker = Subscribe(run, clients);
            List<CtlClient> stopped = clients.Take(Stopped).ToList();
            List<CtlClient> running = clients.Skip(Stopped).ToList();
            foreach (CtlClient client in stopped)
                client.Signal(Native.SIGSTOP);

            long rssBefore = RssKiB(run.InitPid), rssPeak = rssBefore;
            bool SampleRss()
            {
                rssPeak = Math.Max(rssPeak, RssKiB(run.InitPid));
                return true;
            }

            var orphanLines = new OrphanCounter();
            run.WriteStdin("go\n");
            run.WaitUntil(() => SampleRss() && run.Lines.Contains($"orphaned {Orphans}"), "the orphans", MakingOrphans);
            run.WaitUntil(() => SampleRss() && running.All(c => orphanLines.Count(c) == Orphans), "every running client to have every orphan's exit");

            // The stopped ones go on reading, and catch up with the others: a dropped line, then the
            // newest events. All but one, which stays stopped until tinyinit has exited.
            string last = running[0].LastLine!;
            CtlClient stoppedToTheEnd = stopped[0];
            List<CtlClient> resumed = stopped.Skip(1).ToList();
            foreach (CtlClient client in resumed)
                client.Signal(Native.SIGCONT);
            run.WaitUntil(() => resumed.All(c => c.LastLine == last), "the stopped clients to catch up");
            output.WriteLine($"tinyinit RSS: {rssBefore} KiB with {Clients} clients subscribed, at most {rssPeak} KiB while reaping");

            run.CloseStdin();
            Assert.Equal(0, run.WaitForExit());
            stoppedToTheEnd.Signal(Native.SIGCONT);
            foreach (CtlClient client in clients)
                Assert.Equal(0, client.WaitForExit());

            // What was published from the marker on, as the first running client got it: the main exit is last.
            List<string> published = From(marker, running[0])[..^1];
            Assert.Equal(Orphans, published.Count(l => l.Contains("\"role\":\"orphan\"", StringComparison.Ordinal)));
            Assert.Contains("\"role\":\"main\"", published[^1]);
            AssertReapOrder(published);
            foreach (CtlClient client in running)
            {
                List<string> lines = From(marker, client);
                Assert.Equal(published, lines[..^1]);
                AssertShutdown(lines[^1], dropped: 0);
            }

            foreach (CtlClient client in resumed)
                AssertLossesReportedExactly(published, From(marker, client));

            // The socket kept room for its shutdown line: it got what its socket held, then that line,
            // which counts the rest.
            List<string> held = From(marker, stoppedToTheEnd);
            Assert.Equal(published[..(held.Count - 1)], held[..^1]);
            AssertShutdown(held[^1], dropped: published.Count - (held.Count - 1));
            Assert.True(rssPeak - rssBefore < RssGrowthLimitKiB, $"tinyinit's RSS grew from {rssBefore} KiB to {rssPeak} KiB");
            Assert.DoesNotContain("internal error", run.Stderr);
        }
        finally
        {
            foreach (CtlClient client in clients)
                client.Dispose();
        }
    }

    /// <summary>
    /// Sends SIGWINCH (forwarded to the shell, which ignores it) until every client has seen a signal
    /// event, so every client is subscribed; then one more, the marker: the same line for all.
    /// </summary>
    /// <returns>The marker's line.</returns>
    private static string Subscribe(InitRun run, List<CtlClient> clients)
    {
        static bool IsSignal(string line) => line.StartsWith("{\"event\":\"signal\"", StringComparison.Ordinal);
        run.WaitUntil(() =>
        {
            run.Signal(Native.SIGWINCH);
            return Poll.Until(() => clients.All(c => c.Lines.Any(IsSignal)), TimeSpan.FromSeconds(2));
        }, "every client to follow the events", TimeSpan.FromSeconds(60));

        HashSet<string> seen = clients.SelectMany(c => c.Lines).Where(IsSignal).ToHashSet();
        run.Signal(Native.SIGWINCH);
        run.WaitUntil(() => clients.All(c => c.Lines.Any(l => IsSignal(l) && !seen.Contains(l))), "the marker");
        string marker = clients[0].Lines.First(l => IsSignal(l) && !seen.Contains(l));
        Assert.All(clients, c => Assert.Equal(marker, c.Lines.First(l => IsSignal(l) && !seen.Contains(l))));
        return marker;
    }

    /// <summary>The client's lines from the marker on, the shutdown line last.</summary>
    private static List<string> From(string marker, CtlClient client)
    {
        List<string> lines = client.Lines.ToList();
        return lines[lines.IndexOf(marker)..];
    }

    /// <summary>
    /// Walks what was published along what the client got: each line is the next event, or a dropped
    /// line standing for exactly the events skipped at that place. The shutdown line's count is their sum.
    /// </summary>
    private static void AssertLossesReportedExactly(List<string> published, List<string> lines)
    {
        int next = 0;
        long lost = 0;
        foreach (string line in lines[..^1])
        {
            if (line.StartsWith("{\"event\":\"dropped\"", StringComparison.Ordinal))
            {
                long count = JsonDocument.Parse(line).RootElement.GetProperty("count").GetInt64();
                Assert.True(count > 0);
                next += (int)count;
                lost += count;
            }
            else
            {
                Assert.True(next < published.Count && published[next] == line, $"event {next} of {published.Count}: got {line}");
                next++;
            }
        }

        Assert.Equal(published.Count, next);
        Assert.True(lost > 0, "a client stopped for 5000 exits must have lost some");
        AssertShutdown(lines[^1], dropped: lost);
    }

    private static void AssertShutdown(string line, long dropped)
    {
        JsonElement shutdown = JsonDocument.Parse(line).RootElement;
        Assert.Equal("shutdown", shutdown.GetProperty("event").GetString());
        Assert.Equal(0, shutdown.GetProperty("exit_code").GetInt32());
        Assert.Equal(dropped, shutdown.GetProperty("dropped").GetInt64());
    }

    private static void AssertReapOrder(List<string> published)
    {
        long previous = 0;
        foreach (string line in published)
        {
            long time = JsonDocument.Parse(line).RootElement.GetProperty("time_ns").GetInt64();
            Assert.True(time >= previous, "time_ns must not go back");
            previous = time;
        }
    }

    private static long RssKiB(int pid) =>
        ProcTable.StatusField($"/proc/{pid}/status", "VmRSS") is string rss ? long.Parse(rss.Split(' ')[0]) : 0;

    /// <summary>Counts each client's orphan exit lines, reading only what came since the last count.</summary>
    private sealed class OrphanCounter
    {
        private readonly Dictionary<CtlClient, (int Read, int Orphans)> _counts = [];

        public int Count(CtlClient client)
        {
            (int read, int orphans) = _counts.GetValueOrDefault(client);
            IReadOnlyList<string> lines = client.Lines;
            for (; read < lines.Count; read++)
            {
                if (lines[read].Contains("\"role\":\"orphan\"", StringComparison.Ordinal))
                    orphans++;
            }

            _counts[client] = (read, orphans);
            return orphans;
        }
    }
}
