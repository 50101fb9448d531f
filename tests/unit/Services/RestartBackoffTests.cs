using System;
using System.Linq;
using TinyInit.Services;
using TinyInit.Reaping;

namespace TinyInit.UnitTests.Services;

public class RestartBackoffTests
{
    private static readonly TimeSpan Quick = TimeSpan.FromMilliseconds(200);

    [Fact]
    public void Defaults_are_procmons()
    {
        var backoff = new RestartBackoff();

        Assert.Equal(TimeSpan.FromSeconds(1), backoff.Threshold);
        Assert.Equal(TimeSpan.FromSeconds(1), backoff.MinRestartDelay);
        Assert.Equal(TimeSpan.FromHours(1), backoff.MaxRestartDelay);
        Assert.Equal(2.0, backoff.Factor);
    }

    [Fact]
    public void Quick_deaths_double_the_delay_up_to_the_maximum()
    {
        var backoff = new RestartBackoff();

        double[] delays = Enumerable.Range(0, 15).Select(_ => backoff.NextDelay(Quick).TotalSeconds).ToArray();

        Assert.Equal([1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 3600, 3600, 3600], delays);
    }

    [Fact]
    public void A_run_as_long_as_the_threshold_restarts_at_once_and_resets_the_delay()
    {
        var backoff = new RestartBackoff();
        backoff.NextDelay(Quick);
        backoff.NextDelay(Quick);
        backoff.NextDelay(Quick);
        Assert.Equal(TimeSpan.FromSeconds(8), backoff.CurrentDelay);

        Assert.Equal(TimeSpan.Zero, backoff.NextDelay(TimeSpan.FromSeconds(1)));
        Assert.Equal(TimeSpan.FromSeconds(1), backoff.NextDelay(Quick));
        Assert.Equal(TimeSpan.FromSeconds(2), backoff.NextDelay(Quick));
        Assert.Equal(TimeSpan.Zero, backoff.NextDelay(TimeSpan.FromDays(3)));
        Assert.Equal(TimeSpan.FromSeconds(1), backoff.NextDelay(TimeSpan.FromSeconds(1) - TimeSpan.FromTicks(1)));
    }

    [Fact]
    public void Reset_forgets_quick_deaths()
    {
        var backoff = new RestartBackoff();
        backoff.NextDelay(Quick);
        backoff.NextDelay(Quick);

        backoff.Reset();

        Assert.Equal(TimeSpan.FromSeconds(1), backoff.NextDelay(Quick));
    }

    [Fact]
    public void Every_setting_can_be_changed()
    {
        var backoff = new RestartBackoff(
            threshold: TimeSpan.FromSeconds(10),
            minRestartDelay: TimeSpan.FromMilliseconds(100),
            maxRestartDelay: TimeSpan.FromSeconds(1),
            factor: 3);

        double[] delays = Enumerable.Range(0, 5).Select(_ => backoff.NextDelay(TimeSpan.FromSeconds(9)).TotalMilliseconds).ToArray();

        Assert.Equal([100, 300, 900, 1000, 1000], delays);
        Assert.Equal(TimeSpan.Zero, backoff.NextDelay(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void A_huge_maximum_does_not_overflow()
    {
        var backoff = new RestartBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), TimeSpan.MaxValue, 1e6);

        for (int i = 0; i < 10; i++)
            Assert.True(backoff.NextDelay(Quick) >= TimeSpan.Zero);
        Assert.Equal(TimeSpan.MaxValue, backoff.CurrentDelay);
    }

    [Fact]
    public void Rejects_settings_that_would_not_back_off()
    {
        TimeSpan second = TimeSpan.FromSeconds(1);
        Assert.Throws<ArgumentOutOfRangeException>(() => new RestartBackoff(-second, second, second, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RestartBackoff(second, TimeSpan.Zero, second, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RestartBackoff(second, second * 2, second, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RestartBackoff(second, second, second, 0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RestartBackoff(second, second, second, double.NaN));
    }

    // Theory arguments are primitives: the product's types are internal, and public test methods cannot take them.
    [Theory]
    // policy, exit code, signal, core dumped, stopped by tinyinit, restart?
    [InlineData("always", 0, 0, false, false, true)]
    [InlineData("always", 1, 0, false, false, true)]
    [InlineData("always", 0, 9, false, false, true)]
    [InlineData("always", 0, 0, false, true, false)]
    [InlineData("always", 0, 15, false, true, false)]
    [InlineData("on-failure", 0, 0, false, false, false)]
    [InlineData("on-failure", 1, 0, false, false, true)]
    [InlineData("on-failure", 255, 0, false, false, true)]
    [InlineData("on-failure", 0, 9, false, false, true)]
    [InlineData("on-failure", 0, 11, true, false, true)]
    [InlineData("on-failure", 0, 0, false, true, false)]
    [InlineData("on-failure", 1, 0, false, true, false)]
    [InlineData("on-failure", 0, 15, false, true, false)]
    [InlineData("never", 0, 0, false, false, false)]
    [InlineData("never", 1, 0, false, false, false)]
    [InlineData("never", 0, 9, false, false, false)]
    [InlineData("never", 0, 15, false, true, false)]
    public void ShouldRestart_follows_the_policy_and_never_fights_a_stop(
        string policyName, int code, int signal, bool coreDumped, bool stoppedByUs, bool expected)
    {
        Assert.Null(RestartPolicies.TryParse(policyName, out RestartPolicy policy));

        Assert.Equal(expected, RestartBackoff.ShouldRestart(policy, new ExitStatus(code, signal, coreDumped), stoppedByUs));
    }
}
