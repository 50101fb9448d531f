using System.Diagnostics;
using TinyInit.Events;

namespace TinyInit.UnitTests.Events;

public sealed class ExitEventTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(255)]
    public void An_exited_process_reports_its_exit_code(int code)
    {
        var exit = new ExitEvent(42, code, 0, false, "sh", ChildRole.Main, 0);

        Assert.Equal(code, exit.ToExitCode());
    }

    [Theory]
    [InlineData(9, 137)]
    [InlineData(15, 143)]
    [InlineData(6, 134)]
    public void A_signalled_process_reports_128_plus_the_signal(int signal, int expected)
    {
        var exit = new ExitEvent(42, 0, signal, signal == 6, null, ChildRole.Orphan, 0);

        Assert.Equal(expected, exit.ToExitCode());
    }

    [Fact]
    public void Only_the_main_role_is_main()
    {
        Assert.True(new ExitEvent(42, 0, 0, false, "sh", ChildRole.Main, 0).IsMain);
        Assert.False(new ExitEvent(42, 0, 0, false, "sh", ChildRole.Service, 0).IsMain);
        Assert.False(new ExitEvent(42, 0, 0, false, null, ChildRole.Orphan, 0).IsMain);
    }

    [Fact]
    public void One_second_of_stopwatch_ticks_is_a_billion_nanoseconds()
    {
        Assert.Equal(1_000_000_000, ExitEvent.NanosecondsFromTimestamp(Stopwatch.Frequency));
        Assert.Equal(3_000_000_000, ExitEvent.NanosecondsFromTimestamp(3 * Stopwatch.Frequency));
    }
}
