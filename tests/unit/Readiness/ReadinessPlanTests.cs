using TinyInit.Readiness;
using TinyInit.Services;

namespace TinyInit.UnitTests.Readiness;

public class ReadinessPlanTests
{
    private static ServiceSet Services(params string[] names)
    {
        var set = new ServiceSet();
        foreach (string name in names)
            Assert.Null(ServiceSpecParser.TryAdd($"{name}=sleep 1", RestartPolicy.OnFailure, set));
        return set;
    }

    [Theory]
    [InlineData("notify", "Notify", 0, null)]
    [InlineData("fd:3", "Fd", 3, null)]
    [InlineData("fd:1023", "Fd", 1023, null)]
    [InlineData("check:pg_isready -h localhost", "Check", 0, "pg_isready -h localhost")]
    [InlineData("check:  test -e /run/x=1 ", "Check", 0, "test -e /run/x=1")]
    public void Parses_each_mode(string text, string kind, int fd, string? command)
    {
        ReadinessMode? mode = ReadinessMode.Parse(text);

        Assert.Equal(new ReadinessMode(Enum.Parse<ReadinessKind>(kind), fd, command), mode);
        Assert.Equal(text.Replace("check:  ", "check:", StringComparison.Ordinal).TrimEnd(), mode!.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("Notify")]
    [InlineData("fd:")]
    [InlineData("fd:2")]
    [InlineData("fd:-3")]
    [InlineData("fd:1024")]
    [InlineData("fd:3x")]
    [InlineData("check:")]
    [InlineData("check:   ")]
    public void Rejects_what_is_not_a_mode(string text)
    {
        Assert.Null(ReadinessMode.Parse(text));
    }

    [Fact]
    public void Builds_modes_and_order_for_services_and_the_main_command()
    {
        string? error = ReadinessPlan.TryBuild(Services("db", "web"), hasMain: true,
            ["db=notify", "main=check:curl -f localhost=80", "db=fd:4"], ["web=db", "main=web"], out ReadinessPlan? plan);

        Assert.Null(error);
        Assert.Equal(new ReadinessMode(ReadinessKind.Fd, 4), plan!.ModeOf("db"));
        Assert.Equal(new ReadinessMode(ReadinessKind.Check, Command: "curl -f localhost=80"), plan.ModeOf("main"));
        Assert.Null(plan.ModeOf("web"));
        Assert.True(plan.Uses(ReadinessKind.Check));
        Assert.False(plan.Uses(ReadinessKind.Notify));
        Assert.Equal(["db"], plan.Order.DependenciesOf("web"));
        Assert.False(plan.IsEmpty);
    }

    [Theory]
    [InlineData(new[] { "db" }, new string[0], "--ready 'db': expected NAME=MODE (for example db=notify)")]
    [InlineData(new[] { "=notify" }, new string[0], "--ready '=notify': expected NAME=MODE (for example db=notify)")]
    [InlineData(new[] { "db=fd:0" }, new string[0], "--ready 'db=fd:0': expected notify, fd:N (N from 3 to 1023) or check:COMMAND")]
    [InlineData(new[] { "nope=notify" }, new string[0], "--ready 'nope=notify': no service named 'nope'")]
    [InlineData(new[] { "main=notify" }, new string[0], "--ready 'main=notify': 'main' names the main command, and none was given")]
    [InlineData(new string[0], new[] { "web=db", "db=web" }, "--after: dependency cycle: db -> web -> db")]
    public void Reports_the_first_mistake(string[] ready, string[] after, string expected)
    {
        Assert.Equal(expected, ReadinessPlan.TryBuild(Services("db", "web"), hasMain: false, ready, after, out ReadinessPlan? plan));
        Assert.Null(plan);
    }

    [Fact]
    public void Nothing_declared_is_empty()
    {
        Assert.Null(ReadinessPlan.TryBuild(Services("db"), hasMain: true, [], [], out ReadinessPlan? plan));
        Assert.True(plan!.IsEmpty);
    }
}
