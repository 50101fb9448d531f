using System.Text.Json;
using TinyInit.IntegrationTests.Events;
using TinyInit.IntegrationTests.Harness;
using Xunit.Abstractions;

namespace TinyInit.IntegrationTests.Services;

/// <summary>A service that dies at once is restarted after 1 s, 2 s, 4 s (procmon's doubling), as the event stream shows.</summary>
public sealed class RestartBackoffTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(InitMode.Pid1)]
    [InlineData(InitMode.Subreaper)]
    public void AServiceThatExitsAtOnceIsRestartedWithDoublingDelays(InitMode mode)
    {
        string file = Path.Combine(Path.GetTempPath(), "tinyinit-backoff-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var run = InitRun.Start(output, mode, "--events", file, "--service", "flaky=exit 1", "--", "sh", "-c", "read line || true");
            run.WaitUntil(() => File.Exists(file) && File.ReadAllText(file).Split('\n').Count(l => l.Contains("\"spawn\"") && l.Contains("\"flaky\"")) >= 4,
                "three restarts of the service", TimeSpan.FromSeconds(30));
            run.CloseStdin();
            Assert.Equal(0, run.WaitForExit());

            List<JsonElement> events = EventStreamTests.Parse(File.ReadAllText(file));
            long[] delays = [.. events.Where(e => EventStreamTests.Is(e, "restart")).Take(3).Select(e => e.GetProperty("delay_ms").GetInt64())];
            Assert.Equal([1000L, 2000L, 4000L], delays);

            List<JsonElement> flaky = events.Where(e => e.TryGetProperty("service", out JsonElement s) && s.GetString() == "flaky").ToList();
            for (int i = 0; i < 3; i++)
            {
                long exited = Time(flaky.Where(e => EventStreamTests.Is(e, "exit")).ElementAt(i));
                long restarted = Time(flaky.Where(e => EventStreamTests.Is(e, "spawn")).ElementAt(i + 1));
                double waitedMs = (restarted - exited) / 1e6;
                Assert.InRange(waitedMs, delays[i] - 5, delays[i] + 900);
            }
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static long Time(JsonElement e) => e.GetProperty("time_ns").GetInt64();
}
