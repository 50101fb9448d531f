using System.Diagnostics;
using TinyInit.Shutdown;

namespace TinyInit.UnitTests.Shutdown;

/// <summary>The stop's decisions on a made-up clock: no process, no sleeping.</summary>
public sealed class ShutdownSequenceTests
{
    private const long Start = 1_000_000;

    [Fact]
    public void With_nothing_left_it_is_done_at_once()
    {
        var sequence = new ShutdownSequence(TimeSpan.FromSeconds(3));
        Assert.Equal(ShutdownStep.Done, sequence.Begin(Start, remaining: false));
        Assert.True(sequence.IsOver);
    }

    [Fact]
    public void Term_then_wait_out_the_grace_then_kill_in_sweeps_then_done_when_nothing_is_left()
    {
        var sequence = new ShutdownSequence(TimeSpan.FromSeconds(3));
        Assert.Equal(ShutdownStep.TermAll, sequence.Begin(Start, remaining: true));
        Assert.Equal(At(3), sequence.GraceEnd);
        Assert.Equal(At(3), sequence.NextDeadline);
        Assert.Equal(ShutdownStep.Wait, sequence.Advance(At(1), remaining: true));
        Assert.False(sequence.GraceRanOut);

        Assert.Equal(ShutdownStep.KillAll, sequence.Advance(At(3), remaining: true));
        Assert.True(sequence.GraceRanOut);
        Assert.Equal(At(3) + Ticks(ShutdownSequence.SweepInterval), sequence.NextDeadline);
        Assert.Equal(ShutdownStep.Wait, sequence.Advance(At(3), remaining: true));
        Assert.Equal(ShutdownStep.KillAll, sequence.Advance(sequence.NextDeadline, remaining: true));
        Assert.Equal(ShutdownStep.Done, sequence.Advance(At(3.5), remaining: false));
        Assert.True(sequence.IsOver);
    }

    [Fact]
    public void Leftovers_that_exit_during_the_grace_end_it_early_without_sigkill()
    {
        var sequence = new ShutdownSequence(TimeSpan.FromSeconds(10));
        Assert.Equal(ShutdownStep.TermAll, sequence.Begin(Start, remaining: true));
        Assert.Equal(ShutdownStep.Done, sequence.Advance(At(0.2), remaining: false));
        Assert.False(sequence.GraceRanOut);
    }

    [Fact]
    public void A_grace_of_zero_kills_at_once()
    {
        var sequence = new ShutdownSequence(TimeSpan.Zero);
        Assert.Equal(ShutdownStep.KillAll, sequence.Begin(Start, remaining: true));
        Assert.False(sequence.GraceRanOut);
    }

    [Fact]
    public void Something_that_survives_sigkill_for_the_limit_is_given_up_on()
    {
        var sequence = new ShutdownSequence(TimeSpan.FromSeconds(1));
        sequence.Begin(Start, remaining: true);
        Assert.Equal(ShutdownStep.KillAll, sequence.Advance(At(1), remaining: true));
        long giveUp = At(1) + Ticks(ShutdownSequence.KillWaitLimit);
        int sweeps = 1;
        long now = At(1);
        ShutdownStep step;
        while ((step = sequence.Advance(now = sequence.NextDeadline, remaining: true)) == ShutdownStep.KillAll)
            sweeps++;

        Assert.Equal(ShutdownStep.GiveUp, step);
        Assert.Equal(giveUp, now);
        Assert.Equal(ShutdownSequence.KillWaitLimit / ShutdownSequence.SweepInterval, sweeps);
        Assert.True(sequence.IsOver);
        Assert.Equal(ShutdownStep.Done, sequence.Advance(now + 1, remaining: true));
    }

    private static long At(double seconds) => Start + (long)(seconds * Stopwatch.Frequency);

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);
}
