using System;
using TinyInit.Services;

namespace TinyInit.UnitTests.Services;

public class ProcfileParserTests
{
    [Fact]
    public void Reads_services_in_order_skipping_comments_and_blank_lines_and_trimming_blanks()
    {
        const string text =
            "# Processes for the demo image\n" +
            "\n" +
            "web: python -m http.server 8000\n" +
            "   \t\n" +
            "  worker  :   ./worker --queue=jobs  \r\n" +
            "    # an indented comment\n" +
            "clock.v2:sh -c 'while :; do date; sleep 60; done'\n" +
            "a-b_c:echo a:b # the shell sees this comment";
        var services = new ServiceSet();

        string? error = ProcfileParser.TryParse("Procfile", text, RestartPolicy.OnFailure, services);

        Assert.Null(error);
        Assert.Collection(
            services.Services,
            s => AssertService(s, "web", "python -m http.server 8000", 3),
            s => AssertService(s, "worker", "./worker --queue=jobs", 5),
            s => AssertService(s, "clock.v2", "sh -c 'while :; do date; sleep 60; done'", 7),
            s => AssertService(s, "a-b_c", "echo a:b # the shell sees this comment", 8));
        Assert.All(services.Services, s => Assert.Equal(RestartPolicy.OnFailure, s.Restart));
    }

    [Fact]
    public void Skips_a_byte_order_mark()
    {
        var services = new ServiceSet();

        Assert.Null(ProcfileParser.TryParse("Procfile", "\uFEFFweb: ./web\n", RestartPolicy.Always, services));
        Assert.Equal("web", services.Services[0].Name);
    }

    [Fact]
    public void An_empty_file_defines_no_service()
    {
        var services = new ServiceSet();

        Assert.Null(ProcfileParser.TryParse("Procfile", "", RestartPolicy.Always, services));
        Assert.Null(ProcfileParser.TryParse("Procfile", "# nothing yet\n\n", RestartPolicy.Always, services));
        Assert.Equal(0, services.Count);
    }

    [Fact]
    public void A_duplicate_name_names_both_lines()
    {
        const string text = "web: ./a\n# comment\nweb: ./b\n";

        Assert.Equal(
            "Procfile:3: duplicate service name 'web' (first defined on line 1)",
            Parse(text));
    }

    [Theory]
    [InlineData("web: ./web\nworker:\n", "Procfile:2: empty command for service 'worker'")]
    [InlineData("web: ./web\n\nworker:   \t\r\n", "Procfile:3: empty command for service 'worker'")]
    public void An_empty_command_is_an_error(string text, string expected) => Assert.Equal(expected, Parse(text));

    [Theory]
    [InlineData("web: ./web\nworker ./worker\n", "Procfile:2: expected 'name: command'")]
    [InlineData("# only a comment\n\n\n: ./nameless\n", "Procfile:4: expected 'name: command'")]
    public void A_line_without_a_name_and_a_colon_is_an_error(string text, string expected) =>
        Assert.Equal(expected, Parse(text));

    [Theory]
    [InlineData("web: ./web\nmy web: ./web\n", "Procfile:2: invalid service name 'my web'")]
    [InlineData("-web: ./web\n", "Procfile:1: invalid service name '-web'")]
    [InlineData("\n\n.hidden: ./x\n", "Procfile:3: invalid service name '.hidden'")]
    [InlineData("a\n", "Procfile:1: expected 'name: command'")]
    [InlineData("web: ./web\n\nwéb: ./web\n", "Procfile:3: invalid service name 'wéb'")]
    [InlineData("a=b: ./x\n", "Procfile:1: invalid service name 'a=b'")]
    public void A_bad_name_is_an_error(string text, string expectedStart)
    {
        string? error = Parse(text);

        Assert.NotNull(error);
        Assert.StartsWith(expectedStart, error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_bad_name_message_says_what_a_name_may_contain() =>
        Assert.Equal(
            "Procfile:1: invalid service name 'my web' (use letters, digits, '_', '.' and '-', starting with a letter or digit)",
            Parse("my web: ./web"));

    [Fact]
    public void The_message_names_the_file_as_given() =>
        Assert.Equal("deploy/Procfile.dev:1: expected 'name: command'", ProcfileParser.TryParse(
            "deploy/Procfile.dev", "oops", RestartPolicy.Always, new ServiceSet()));

    [Fact]
    public void Stops_at_the_first_error() =>
        Assert.Equal("Procfile:1: expected 'name: command'", Parse("oops\nweb:\n"));

    [Fact]
    public void A_name_taken_by_a_service_option_is_a_duplicate()
    {
        var services = new ServiceSet();
        Assert.Null(ServiceSpecParser.TryAdd("web=./a", RestartPolicy.Always, services));

        string? error = ProcfileParser.TryParse("Procfile", "worker: ./w\nweb: ./b\n", RestartPolicy.Always, services);

        Assert.Equal("Procfile:2: duplicate service name 'web' (first defined by --service 'web=./a')", error);
    }

    [Fact]
    public void A_service_option_after_the_procfile_cannot_take_a_name_again()
    {
        var services = new ServiceSet();
        Assert.Null(ProcfileParser.TryParse("Procfile", "\nweb: ./a\n", RestartPolicy.Always, services));

        string? error = ServiceSpecParser.TryAdd("web=./b", RestartPolicy.Always, services);

        Assert.Equal("--service 'web=./b': duplicate service name 'web' (first defined at Procfile:2)", error);
        Assert.Equal("./a", Assert.Single(services.Services).Command);
    }

    [Fact]
    public void Names_differing_in_case_are_different_services()
    {
        var services = new ServiceSet();

        Assert.Null(ProcfileParser.TryParse("Procfile", "web: ./a\nWeb: ./b\n", RestartPolicy.Always, services));
        Assert.Equal(2, services.Count);
    }

    private static string? Parse(string text) =>
        ProcfileParser.TryParse("Procfile", text, RestartPolicy.Always, new ServiceSet());

    private static void AssertService(ServiceDefinition service, string name, string command, int line)
    {
        Assert.Equal(name, service.Name);
        Assert.Equal(command, service.Command);
        Assert.Equal(ServiceOrigin.InFile("Procfile", line), service.Origin);
    }
}
