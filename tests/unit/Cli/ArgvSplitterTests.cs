using CsCheck;
using TinyInit.Cli;

namespace TinyInit.UnitTests.Cli;

public class ArgvSplitterTests
{
    private static readonly OptionDefinitions Options = new();

    /// <summary>Options as a user writes them, each with a valid value where it takes one.</summary>
    private static readonly Gen<string[]> OneOption = Gen.OneOf(
        Gen.Const<string[]>(["-s"]), Gen.Const<string[]>(["-vvs"]), Gen.Const<string[]>(["-g"]), Gen.Const<string[]>(["--no-cleanup"]),
        Gen.Const<string[]>(["-p", "TERM"]), Gen.Const<string[]>(["-p9"]), Gen.Const<string[]>(["-sp", "HUP"]),
        Gen.Const<string[]>(["--grace", "3s"]), Gen.Const<string[]>(["--grace=-1"]), Gen.Const<string[]>(["-e", "143"]),
        Gen.Const<string[]>(["--service", "web=./web -v"]), Gen.Const<string[]>(["--rewrite", "--"]),
        Gen.Const<string[]>(["--timeout", "-s"]));

    private static readonly Gen<string[]> OptionLists = OneOption.Array[0, 6].Select(list => list.SelectMany(o => o).ToArray());

    private static readonly Gen<string[]> Command = Gen.String[Gen.Char, 0, 10].Array[0, 5];

    [Theory]
    [InlineData(new[] { "sleep", "-v", "10" }, 0, 0)]
    [InlineData(new[] { "-s", "--", "-v" }, 1, 2)]
    [InlineData(new[] { "-p", "--", "true" }, 2, 2)]
    [InlineData(new[] { "-vp9", "true" }, 1, 1)]
    [InlineData(new[] { "-", "x" }, 0, 0)]
    [InlineData(new[] { "--grace" }, 1, 1)]
    public void Splits_at_the_first_non_option_or_after_the_double_dash(string[] args, int optionCount, int commandStart) =>
        Assert.Equal(new ArgvSplitter.Split(optionCount, commandStart), ArgvSplitter.Find(args, Options.TakesValue));

    [Fact]
    public void Random_argv_splits_within_bounds() =>
        Gen.OneOf(TextGen.AnyText, TextGen.ParserText, Gen.Char["-svpe"].Array[0, 4].Select(c => new string(c))).Array[0, 8]
            .Sample(args =>
            {
                ArgvSplitter.Split split = ArgvSplitter.Find(args, Options.TakesValue);
                return split.OptionCount <= split.CommandStart && split.CommandStart <= args.Length
                    && split.CommandStart - split.OptionCount <= 1
                    && (split.CommandStart == split.OptionCount || args[split.OptionCount] == "--");
            }, iter: 10_000);

    [Fact]
    public void OptionListsthen_double_dash_then_a_command_split_back_into_the_same_parts() =>
        Gen.Select(OptionLists, Command).Sample((options, command) =>
        {
            string[] args = [.. options, "--", .. command];
            Assert.Equal(new ArgvSplitter.Split(options.Length, options.Length + 1), ArgvSplitter.Find(args, Options.TakesValue));
        });

    [Fact]
    public void A_command_that_does_not_look_like_an_option_needs_no_double_dash() =>
        Gen.Select(OptionLists, Command.Where(c => c.Length > 0 && c[0] != "--" && (c[0].Length < 2 || c[0][0] != '-'))).Sample((options, command) =>
        {
            string[] args = [.. options, .. command];
            Assert.Equal(new ArgvSplitter.Split(options.Length, options.Length), ArgvSplitter.Find(args, Options.TakesValue));
        });
}
